using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>
/// SCP03 session set-up values (Amendment D §6.2.1 and §6.2.2), all in S8 mode (8-byte challenges and
/// cryptograms), each a pure function of its inputs. The card and the host call the same functions.
/// </summary>
public static class Scp03Derivation
{
    /// <summary>Length of host and card challenges and of both cryptograms in S8 mode.</summary>
    public const int ChallengeLength = 8;

    /// <summary>Length of the pseudo-random mode sequence counter.</summary>
    public const int SequenceCounterLength = 3;

    /// <summary>Largest sequence counter value (3 bytes).</summary>
    public const int MaxSequenceCounter = 0xFFFFFF;

    private const int CryptogramBits = ChallengeLength * 8;

    /// <summary>
    /// S-ENC = KDF(Key-ENC, 04), S-MAC = KDF(Key-MAC, 06), S-RMAC = KDF(Key-MAC, 07), each with
    /// L = key length in bits and context = host challenge ‖ card challenge.
    /// </summary>
    public static SessionKeys DeriveSessionKeys(StaticKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> context = stackalloc byte[2 * ChallengeLength];
        BuildContext(hostChallenge, cardChallenge, context);
        int bits = keys.KeyLength * 8;
        byte[] sEnc = Scp03Kdf.Derive(keys.Enc, Scp03Kdf.SEnc, context, bits);
        byte[] sMac = Scp03Kdf.Derive(keys.Mac, Scp03Kdf.SMac, context, bits);
        byte[] sRmac = Scp03Kdf.Derive(keys.Mac, Scp03Kdf.SRmac, context, bits);
        try
        {
            return new SessionKeys(sEnc, sMac, sRmac);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(sEnc);
            CryptographicOperations.ZeroMemory(sMac);
            CryptographicOperations.ZeroMemory(sRmac);
        }
    }

    /// <summary>Card cryptogram = KDF(S-MAC, 00, L = 0040, host challenge ‖ card challenge); 8 bytes.</summary>
    public static byte[] CardCryptogram(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge) =>
        Cryptogram(keys, Scp03Kdf.CardCryptogram, hostChallenge, cardChallenge);

    /// <summary>Host cryptogram = KDF(S-MAC, 01, L = 0040, host challenge ‖ card challenge); 8 bytes.</summary>
    public static byte[] HostCryptogram(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge) =>
        Cryptogram(keys, Scp03Kdf.HostCryptogram, hostChallenge, cardChallenge);

    /// <summary>Constant-time check of a card cryptogram received in INITIALIZE UPDATE.</summary>
    public static bool VerifyCardCryptogram(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge, ReadOnlySpan<byte> cryptogram) =>
        CryptographicOperations.FixedTimeEquals(CardCryptogram(keys, hostChallenge, cardChallenge), cryptogram);

    /// <summary>Constant-time check of a host cryptogram received in EXTERNAL AUTHENTICATE.</summary>
    public static bool VerifyHostCryptogram(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge, ReadOnlySpan<byte> cryptogram) =>
        CryptographicOperations.FixedTimeEquals(HostCryptogram(keys, hostChallenge, cardChallenge), cryptogram);

    /// <summary>
    /// Pseudo-random card challenge (Amendment D §6.2.2.1) = KDF(Key-ENC, 02, L = 0040,
    /// sequence counter (3 bytes) ‖ AID of the application invoking the secure channel (5 to 16 bytes)).
    /// The caller increments the key set's counter before the call and passes the new value.
    /// </summary>
    public static byte[] PseudoRandomCardChallenge(ReadOnlySpan<byte> keyEnc, ReadOnlySpan<byte> sequenceCounter, ReadOnlySpan<byte> aid)
    {
        if (sequenceCounter.Length != SequenceCounterLength)
        {
            throw new ArgumentException("The sequence counter is 3 bytes long.", nameof(sequenceCounter));
        }

        if (aid.Length is < 5 or > 16)
        {
            throw new ArgumentException("An AID is 5 to 16 bytes long.", nameof(aid));
        }

        Span<byte> context = stackalloc byte[SequenceCounterLength + aid.Length];
        sequenceCounter.CopyTo(context);
        aid.CopyTo(context[SequenceCounterLength..]);
        return Scp03Kdf.Derive(keyEnc, Scp03Kdf.CardChallenge, context, CryptogramBits);
    }

    /// <summary>The same, with the counter as a number from 0 to <see cref="MaxSequenceCounter"/>.</summary>
    public static byte[] PseudoRandomCardChallenge(ReadOnlySpan<byte> keyEnc, int sequenceCounter, ReadOnlySpan<byte> aid) =>
        PseudoRandomCardChallenge(keyEnc, EncodeSequenceCounter(sequenceCounter), aid);

    /// <summary>The 3-byte big-endian coding of a sequence counter.</summary>
    public static byte[] EncodeSequenceCounter(int sequenceCounter)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sequenceCounter);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sequenceCounter, MaxSequenceCounter);
        return [(byte)(sequenceCounter >> 16), (byte)(sequenceCounter >> 8), (byte)sequenceCounter];
    }

    private static byte[] Cryptogram(SessionKeys keys, byte constant, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge)
    {
        ArgumentNullException.ThrowIfNull(keys);
        Span<byte> context = stackalloc byte[2 * ChallengeLength];
        BuildContext(hostChallenge, cardChallenge, context);
        return Scp03Kdf.Derive(keys.SMac, constant, context, CryptogramBits);
    }

    private static void BuildContext(ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge, Span<byte> context)
    {
        if (hostChallenge.Length != ChallengeLength)
        {
            throw new ArgumentException("The host challenge is 8 bytes long (S8 mode).", nameof(hostChallenge));
        }

        if (cardChallenge.Length != ChallengeLength)
        {
            throw new ArgumentException("The card challenge is 8 bytes long (S8 mode).", nameof(cardChallenge));
        }

        hostChallenge.CopyTo(context);
        cardChallenge.CopyTo(context[ChallengeLength..]);
    }
}

using System.Diagnostics.CodeAnalysis;

namespace Tessera.Crypto;

/// <summary>
/// The data field of the SCP03 INITIALIZE UPDATE response in S8 mode (Amendment D Table 7-2):
/// <c>key diversification data (10) ‖ KVN (1) ‖ 03 ‖ i (1) ‖ card challenge (8) ‖ card cryptogram (8)
/// [‖ sequence counter (3), pseudo-random challenge only]</c>, 29 or 32 bytes.
/// </summary>
public sealed class Scp03InitializeUpdateResponse
{
    /// <summary>The secure channel protocol identifier of SCP03.</summary>
    public const byte ScpIdentifier = 0x03;

    /// <summary>Length of the key diversification data.</summary>
    public const int DiversificationDataLength = 10;

    /// <summary>Length without a sequence counter.</summary>
    public const int LengthWithoutCounter = 29;

    /// <summary>Length with a sequence counter.</summary>
    public const int LengthWithCounter = 32;

    private readonly byte[] _kdd;
    private readonly byte[] _cardChallenge;
    private readonly byte[] _cardCryptogram;
    private readonly byte[] _sequenceCounter;

    /// <summary>Assembles a response; <paramref name="sequenceCounter"/> is empty or 3 bytes.</summary>
    public Scp03InitializeUpdateResponse(
        ReadOnlySpan<byte> keyDiversificationData,
        byte keyVersionNumber,
        byte iParameter,
        ReadOnlySpan<byte> cardChallenge,
        ReadOnlySpan<byte> cardCryptogram,
        ReadOnlySpan<byte> sequenceCounter)
    {
        if (keyDiversificationData.Length != DiversificationDataLength)
        {
            throw new ArgumentException("Key diversification data is 10 bytes long.", nameof(keyDiversificationData));
        }

        if (cardChallenge.Length != Scp03Derivation.ChallengeLength)
        {
            throw new ArgumentException("The card challenge is 8 bytes long.", nameof(cardChallenge));
        }

        if (cardCryptogram.Length != Scp03Derivation.ChallengeLength)
        {
            throw new ArgumentException("The card cryptogram is 8 bytes long.", nameof(cardCryptogram));
        }

        if (!sequenceCounter.IsEmpty && sequenceCounter.Length != Scp03Derivation.SequenceCounterLength)
        {
            throw new ArgumentException("The sequence counter is absent or 3 bytes long.", nameof(sequenceCounter));
        }

        _kdd = keyDiversificationData.ToArray();
        KeyVersionNumber = keyVersionNumber;
        IParameter = iParameter;
        _cardChallenge = cardChallenge.ToArray();
        _cardCryptogram = cardCryptogram.ToArray();
        _sequenceCounter = sequenceCounter.ToArray();
    }

    /// <summary>Key diversification data (10 bytes).</summary>
    public ReadOnlySpan<byte> KeyDiversificationData => _kdd;

    /// <summary>Key version number of the key set used.</summary>
    public byte KeyVersionNumber { get; }

    /// <summary>The SCP03 "i" parameter.</summary>
    public byte IParameter { get; }

    /// <summary>Card challenge (8 bytes).</summary>
    public ReadOnlySpan<byte> CardChallenge => _cardChallenge;

    /// <summary>Card cryptogram (8 bytes).</summary>
    public ReadOnlySpan<byte> CardCryptogram => _cardCryptogram;

    /// <summary>Sequence counter (3 bytes), or empty when the card challenge is random.</summary>
    public ReadOnlySpan<byte> SequenceCounter => _sequenceCounter;

    /// <summary>Parses a response data field (without SW); throws <see cref="FormatException"/> when malformed.</summary>
    public static Scp03InitializeUpdateResponse Parse(ReadOnlySpan<byte> data) =>
        TryParse(data, out var response) ? response : throw new FormatException("Not an SCP03 S8 INITIALIZE UPDATE response.");

    /// <summary>
    /// Parses a response data field (without SW): 29 or 32 bytes, SCP identifier <c>03</c>, S8 mode ("i" b1 = 0).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> data, [NotNullWhen(true)] out Scp03InitializeUpdateResponse? response)
    {
        response = null;
        if (data.Length is not (LengthWithoutCounter or LengthWithCounter) || data[11] != ScpIdentifier || (data[12] & 0x01) != 0)
        {
            return false;
        }

        response = new Scp03InitializeUpdateResponse(
            data[..10],
            data[10],
            data[12],
            data.Slice(13, 8),
            data.Slice(21, 8),
            data[29..]);
        return true;
    }

    /// <summary>The response data field bytes.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[LengthWithoutCounter + _sequenceCounter.Length];
        _kdd.CopyTo(bytes, 0);
        bytes[10] = KeyVersionNumber;
        bytes[11] = ScpIdentifier;
        bytes[12] = IParameter;
        _cardChallenge.CopyTo(bytes, 13);
        _cardCryptogram.CopyTo(bytes, 21);
        _sequenceCounter.CopyTo(bytes, 29);
        return bytes;
    }
}

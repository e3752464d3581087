using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// The host (off-card entity) side of one SCP03 session in S8 mode: builds EXTERNAL AUTHENTICATE, wraps command
/// APDUs (C-MAC chaining, C-DECRYPTION with the encryption counter) and unwraps responses (R-MAC, R-ENCRYPTION).
/// It works on raw APDU bytes, short or extended. One instance per session; not thread-safe; every response
/// must be unwrapped before the next command is wrapped, since the R-MAC uses its command's chaining value.
/// </summary>
public sealed class Scp03Wrapper
{
    private readonly SessionKeys _keys;
    private readonly byte[] _hostCryptogram;
    private readonly byte[] _chaining = new byte[Scp03MessageCrypto.ChainingLength];
    private ulong _counter;
    private bool _authenticating;

    /// <summary>Starts a session whose challenges and session keys are known; the card cryptogram is assumed checked.</summary>
    public Scp03Wrapper(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _hostCryptogram = Scp03Derivation.HostCryptogram(keys, hostChallenge, cardChallenge);
    }

    /// <summary>The security level chosen in EXTERNAL AUTHENTICATE (<see cref="Scp03SecurityLevel.None"/> before).</summary>
    public Scp03SecurityLevel SecurityLevel { get; private set; }

    /// <summary>True once EXTERNAL AUTHENTICATE has been built; commands can be wrapped from then on.</summary>
    public bool IsAuthenticated => _authenticating;

    /// <summary>The host cryptogram this session sends (8 bytes).</summary>
    public byte[] HostCryptogram => (byte[])_hostCryptogram.Clone();

    /// <summary>
    /// Derives the session from an INITIALIZE UPDATE response data field (without SW) and checks the card
    /// cryptogram; throws <see cref="Scp03SecurityException"/> (<see cref="Scp03Error.CardCryptogramMismatch"/>)
    /// when it does not verify and <see cref="FormatException"/> when the response is malformed.
    /// </summary>
    public static Scp03Wrapper FromInitializeUpdate(StaticKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> initializeUpdateResponse)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var response = Scp03InitializeUpdateResponse.Parse(initializeUpdateResponse);
        var sessionKeys = Scp03Derivation.DeriveSessionKeys(keys, hostChallenge, response.CardChallenge);
        if (!Scp03Derivation.VerifyCardCryptogram(sessionKeys, hostChallenge, response.CardChallenge, response.CardCryptogram))
        {
            throw new Scp03SecurityException(Scp03Error.CardCryptogramMismatch);
        }

        return new Scp03Wrapper(sessionKeys, hostChallenge, response.CardChallenge);
    }

    /// <summary>
    /// Length of the data field after wrapping <paramref name="plainLength"/> data bytes at <paramref name="level"/>:
    /// padding to a multiple of 16 with C-DECRYPTION (when there is data), plus 8 bytes of C-MAC.
    /// </summary>
    public static int WrappedDataLength(int plainLength, Scp03SecurityLevel level)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(plainLength);
        if (!level.HasCMac())
        {
            return plainLength;
        }

        int data = level.HasCDecryption() && plainLength > 0 ? Pad80.PaddedLength(plainLength) : plainLength;
        return data + Scp03MessageCrypto.MacLength;
    }

    /// <summary>
    /// Builds the EXTERNAL AUTHENTICATE command <c>84 82 level 00 10 host-cryptogram C-MAC</c> (CLA carrying
    /// <paramref name="logicalChannel"/> 0–19), MACed with the chaining value 16 × 00 and never encrypted.
    /// From then on <see cref="WrapCommand"/> protects commands at <paramref name="level"/>.
    /// </summary>
    public byte[] BuildExternalAuthenticate(Scp03SecurityLevel level, int logicalChannel = 0)
    {
        if (!level.IsValidScp03Level())
        {
            throw new ArgumentException($"SCP03 has no security level {(byte)level:X2}.", nameof(level));
        }

        if (_authenticating)
        {
            throw new InvalidOperationException("EXTERNAL AUTHENTICATE was already built for this session.");
        }

        byte cla = ClassByte.Proprietary(logicalChannel);
        byte[] lc = RawCommandApdu.EncodeLc(_hostCryptogram.Length + Scp03MessageCrypto.MacLength, extended: false);
        byte[] mac = Scp03MessageCrypto.CommandMac(_keys.SMac, _chaining, ClassByte.ForMac(cla), 0x82, (byte)level, 0x00, lc, _hostCryptogram);
        mac.CopyTo(_chaining, 0);
        SecurityLevel = level;
        _authenticating = true;
        return RawCommandApdu.Encode(ClassByte.WithSecureMessaging(cla), 0x82, (byte)level, 0x00, [.. _hostCryptogram, .. mac.AsSpan(0, Scp03MessageCrypto.MacLength)], 0, extended: false);
    }

    /// <summary>
    /// Wraps a plain command APDU at the session's level. With C-MAC the CLA gets the secure messaging indication
    /// (b3 for channels 0–3, b6 for 4–19), with C-DECRYPTION the data (if any) is encrypted; the encryption
    /// counter advances for every command. The result is extended-length when the command was, or when the
    /// wrapped data no longer fits a short APDU; Le is kept. At level 00 the command is returned unchanged.
    /// </summary>
    public byte[] WrapCommand(ReadOnlySpan<byte> command)
    {
        if (!_authenticating)
        {
            throw new InvalidOperationException("Build EXTERNAL AUTHENTICATE before wrapping commands.");
        }

        if (!RawCommandApdu.TryParse(command, out var plain))
        {
            throw new ArgumentException("Not a well-formed command APDU.", nameof(command));
        }

        if (!SecurityLevel.HasCMac())
        {
            return command.ToArray();
        }

        _counter++;
        byte[] data = SecurityLevel.HasCDecryption() && plain.Data.Length > 0
            ? Scp03MessageCrypto.Encrypt(_keys.SEnc, _counter, response: false, plain.Data)
            : plain.Data;
        int wrappedLength = data.Length + Scp03MessageCrypto.MacLength;
        if (wrappedLength > RawCommandApdu.MaxExtendedData)
        {
            throw new ArgumentException($"After secure messaging the data field would be {wrappedLength} bytes, over 65535.", nameof(command));
        }

        bool extended = plain.Extended || wrappedLength > RawCommandApdu.MaxShortData;
        byte[] mac = Scp03MessageCrypto.CommandMac(
            _keys.SMac,
            _chaining,
            ClassByte.ForMac(plain.Cla),
            plain.Ins,
            plain.P1,
            plain.P2,
            RawCommandApdu.EncodeLc(wrappedLength, extended),
            data);
        mac.CopyTo(_chaining, 0);
        return RawCommandApdu.Encode(
            ClassByte.WithSecureMessaging(plain.Cla),
            plain.Ins,
            plain.P1,
            plain.P2,
            [.. data, .. mac.AsSpan(0, Scp03MessageCrypto.MacLength)],
            plain.Ne,
            extended);
    }

    /// <summary>
    /// Unwraps a response APDU (<c>data ‖ SW1 SW2</c>) to the plain response; throws
    /// <see cref="Scp03SecurityException"/> when the R-MAC or the padding does not verify.
    /// </summary>
    public byte[] UnwrapResponse(ReadOnlySpan<byte> response) =>
        TryUnwrapResponse(response, out var plain, out var error) ? plain : throw new Scp03SecurityException(error);

    /// <summary>
    /// Unwraps a response APDU: with R-MAC verifies it over data ‖ SW with the chaining value of the last
    /// command, with R-ENCRYPTION then decrypts the data. Error status words (all but 9000, 62xx, 63xx) carry no
    /// protection and are returned as they are. Do not pass the EXTERNAL AUTHENTICATE response: it has no R-MAC.
    /// </summary>
    public bool TryUnwrapResponse(ReadOnlySpan<byte> response, [NotNullWhen(true)] out byte[]? plain, out Scp03Error error)
    {
        plain = null;
        error = Scp03Error.None;
        if (response.Length < 2)
        {
            error = Scp03Error.Malformed;
            return false;
        }

        byte sw1 = response[^2], sw2 = response[^1];
        if (!SecurityLevel.HasRMac() || !Scp03MessageCrypto.IsProtectedStatus(sw1, sw2))
        {
            plain = response.ToArray();
            return true;
        }

        ReadOnlySpan<byte> body = response[..^2];
        if (body.Length < Scp03MessageCrypto.MacLength)
        {
            error = Scp03Error.Malformed;
            return false;
        }

        ReadOnlySpan<byte> data = body[..^Scp03MessageCrypto.MacLength];
        byte[] expected = Scp03MessageCrypto.ResponseMac(_keys.SRmac, _chaining, data, sw1, sw2);
        if (!CryptographicOperations.FixedTimeEquals(expected.AsSpan(0, Scp03MessageCrypto.MacLength), body[^Scp03MessageCrypto.MacLength..]))
        {
            error = Scp03Error.MacMismatch;
            return false;
        }

        byte[] clear = data.ToArray();
        if (SecurityLevel.HasREncryption() && clear.Length > 0)
        {
            byte[]? decrypted = Scp03MessageCrypto.Decrypt(_keys.SEnc, _counter, response: true, clear);
            if (decrypted is null)
            {
                error = Scp03Error.PaddingInvalid;
                return false;
            }

            clear = decrypted;
        }

        plain = [.. clear, sw1, sw2];
        return true;
    }
}

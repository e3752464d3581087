using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// The card side of one SCP03 session in S8 mode: verifies EXTERNAL AUTHENTICATE, then verifies and decrypts
/// incoming commands and protects outgoing responses. Any failure aborts the session: every later command is
/// refused with <see cref="Scp03Error.SessionAborted"/> until the card starts a new session (a new instance).
/// A card answers every failure with <c>6982</c>. One instance per session and logical channel; not thread-safe.
/// </summary>
public sealed class Scp03Unwrapper
{
    private readonly SessionKeys _keys;
    private readonly byte[] _expectedHostCryptogram;
    private readonly byte[] _chaining = new byte[Scp03MessageCrypto.ChainingLength];
    private ulong _counter;
    private bool _lastWasExternalAuthenticate;

    /// <summary>Starts the card's half of a session after INITIALIZE UPDATE with these keys and challenges.</summary>
    public Scp03Unwrapper(SessionKeys keys, ReadOnlySpan<byte> hostChallenge, ReadOnlySpan<byte> cardChallenge)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _expectedHostCryptogram = Scp03Derivation.HostCryptogram(keys, hostChallenge, cardChallenge);
    }

    /// <summary>The level EXTERNAL AUTHENTICATE set (<see cref="Scp03SecurityLevel.None"/> before it).</summary>
    public Scp03SecurityLevel SecurityLevel { get; private set; }

    /// <summary>True after a successful EXTERNAL AUTHENTICATE, until the session aborts.</summary>
    public bool IsAuthenticated { get; private set; }

    /// <summary>True once a failure (or <see cref="Abort"/>) ended the session.</summary>
    public bool IsAborted { get; private set; }

    /// <summary>
    /// The GP current security level: <see cref="SecurityLevel"/> plus <see cref="Scp03SecurityLevel.Authenticated"/>
    /// while the session is authenticated, <see cref="Scp03SecurityLevel.None"/> otherwise.
    /// </summary>
    public Scp03SecurityLevel CurrentSecurityLevel =>
        IsAuthenticated && !IsAborted ? SecurityLevel | Scp03SecurityLevel.Authenticated : Scp03SecurityLevel.None;

    /// <summary>Aborts the session.</summary>
    public void Abort()
    {
        IsAborted = true;
        IsAuthenticated = false;
    }

    /// <summary>Verifies EXTERNAL AUTHENTICATE; throws <see cref="Scp03SecurityException"/> on failure.</summary>
    public void ExternalAuthenticate(ReadOnlySpan<byte> command)
    {
        if (!TryExternalAuthenticate(command, out var error))
        {
            throw new Scp03SecurityException(error);
        }
    }

    /// <summary>
    /// Verifies EXTERNAL AUTHENTICATE (<c>84 82 level 00 10 host-cryptogram C-MAC</c>, any logical channel):
    /// the C-MAC with chaining value 16 × 00, the level, and the host cryptogram. On success the session is
    /// authenticated at that level and the MAC becomes the chaining value; its response gets no R-MAC.
    /// </summary>
    public bool TryExternalAuthenticate(ReadOnlySpan<byte> command, out Scp03Error error)
    {
        error = Check();
        if (error == Scp03Error.None && IsAuthenticated)
        {
            error = Scp03Error.UnexpectedCommand;
        }

        if (error != Scp03Error.None)
        {
            return Fail(ref error, error);
        }

        if (!RawCommandApdu.TryParse(command, out var apdu) || apdu.Data.Length != 2 * Scp03MessageCrypto.MacLength)
        {
            return Fail(ref error, Scp03Error.Malformed);
        }

        if (apdu.Ins != 0x82 || apdu.P2 != 0x00)
        {
            return Fail(ref error, Scp03Error.UnexpectedCommand);
        }

        if (!ClassByte.HasSecureMessaging(apdu.Cla))
        {
            return Fail(ref error, Scp03Error.SecureMessagingMissing);
        }

        if (!VerifyMac(apdu, out _))
        {
            return Fail(ref error, Scp03Error.MacMismatch);
        }

        var level = (Scp03SecurityLevel)apdu.P1;
        if (!level.IsValidScp03Level())
        {
            return Fail(ref error, Scp03Error.InvalidSecurityLevel);
        }

        if (!CryptographicOperations.FixedTimeEquals(apdu.Data.AsSpan(0, Scp03MessageCrypto.MacLength), _expectedHostCryptogram))
        {
            return Fail(ref error, Scp03Error.HostCryptogramMismatch);
        }

        SecurityLevel = level;
        IsAuthenticated = true;
        _lastWasExternalAuthenticate = true;
        return true;
    }

    /// <summary>Unwraps a command; throws <see cref="Scp03SecurityException"/> on failure.</summary>
    public byte[] UnwrapCommand(ReadOnlySpan<byte> command) =>
        TryUnwrapCommand(command, out var plain, out var error) ? plain : throw new Scp03SecurityException(error);

    /// <summary>
    /// Checks and unwraps a command that arrived in the authenticated session. With C-MAC the command must carry
    /// the secure messaging indication and a valid C-MAC (MAC input as Amendment D §6.2.4, Lc as received:
    /// 1 byte or <c>00 hi lo</c>); the encryption counter advances for every command; with C-DECRYPTION the data
    /// (if any) is decrypted and unpadded. The plain command has the secure messaging indication cleared, the
    /// logical channel bits kept and the same Ne; it is encoded in the short form whenever Nc ≤ 255 and Ne ≤ 256
    /// (so a short command that secure messaging pushed into extended length comes back short), else extended.
    /// At level 00 the command passes unchanged.
    /// </summary>
    public bool TryUnwrapCommand(ReadOnlySpan<byte> command, [NotNullWhen(true)] out byte[]? plain, out Scp03Error error)
    {
        plain = null;
        error = Check();
        if (error == Scp03Error.None && !IsAuthenticated)
        {
            error = Scp03Error.UnexpectedCommand;
        }

        if (error != Scp03Error.None)
        {
            return Fail(ref error, error);
        }

        _lastWasExternalAuthenticate = false;
        if (!RawCommandApdu.TryParse(command, out var apdu))
        {
            return Fail(ref error, Scp03Error.Malformed);
        }

        if (!SecurityLevel.HasCMac())
        {
            plain = command.ToArray();
            return true;
        }

        if (!ClassByte.HasSecureMessaging(apdu.Cla))
        {
            return Fail(ref error, Scp03Error.SecureMessagingMissing);
        }

        if (apdu.Data.Length < Scp03MessageCrypto.MacLength)
        {
            return Fail(ref error, Scp03Error.Malformed);
        }

        _counter++;
        if (!VerifyMac(apdu, out var body))
        {
            return Fail(ref error, Scp03Error.MacMismatch);
        }

        byte[] data = body;
        if (SecurityLevel.HasCDecryption() && data.Length > 0)
        {
            byte[]? decrypted = Scp03MessageCrypto.Decrypt(_keys.SEnc, _counter, response: false, data);
            if (decrypted is null)
            {
                return Fail(ref error, Scp03Error.PaddingInvalid);
            }

            data = decrypted;
        }

        bool extended = data.Length > RawCommandApdu.MaxShortData || apdu.Ne > 256;
        plain = RawCommandApdu.Encode(ClassByte.WithoutSecureMessaging(apdu.Cla), apdu.Ins, apdu.P1, apdu.P2, data, apdu.Ne, extended);
        return true;
    }

    /// <summary>
    /// Protects a plain response APDU (<c>data ‖ SW1 SW2</c>) for the command just unwrapped. Error status words
    /// (all but 9000, 62xx, 63xx) go out as the status word alone. With R-ENCRYPTION non-empty data is encrypted,
    /// with R-MAC the first 8 bytes of CMAC(S-RMAC, chaining value ‖ data ‖ SW) are appended before SW.
    /// The EXTERNAL AUTHENTICATE response, and any response outside an authenticated session, pass unchanged.
    /// Wrap the whole response before splitting it with <c>61xx</c> / GET RESPONSE.
    /// </summary>
    public byte[] WrapResponse(ReadOnlySpan<byte> response)
    {
        if (response.Length < 2)
        {
            throw new ArgumentException("A response APDU has at least SW1 SW2.", nameof(response));
        }

        if (!IsAuthenticated || IsAborted || _lastWasExternalAuthenticate || !SecurityLevel.HasRMac())
        {
            return response.ToArray();
        }

        byte sw1 = response[^2], sw2 = response[^1];
        if (!Scp03MessageCrypto.IsProtectedStatus(sw1, sw2))
        {
            return [sw1, sw2];
        }

        ReadOnlySpan<byte> data = response[..^2];
        byte[] protectedData = SecurityLevel.HasREncryption() && !data.IsEmpty
            ? Scp03MessageCrypto.Encrypt(_keys.SEnc, _counter, response: true, data)
            : data.ToArray();
        byte[] mac = Scp03MessageCrypto.ResponseMac(_keys.SRmac, _chaining, protectedData, sw1, sw2);
        return [.. protectedData, .. mac.AsSpan(0, Scp03MessageCrypto.MacLength), sw1, sw2];
    }

    private Scp03Error Check() => IsAborted ? Scp03Error.SessionAborted : Scp03Error.None;

    private bool Fail(ref Scp03Error error, Scp03Error reason)
    {
        error = reason;
        Abort();
        return false;
    }

    /// <summary>Verifies the trailing 8-byte C-MAC of <paramref name="apdu"/>; on success updates the chaining value.</summary>
    private bool VerifyMac(RawCommandApdu apdu, out byte[] body)
    {
        body = apdu.Data.AsSpan(0, apdu.Data.Length - Scp03MessageCrypto.MacLength).ToArray();
        byte[] mac = Scp03MessageCrypto.CommandMac(
            _keys.SMac,
            _chaining,
            ClassByte.ForMac(apdu.Cla),
            apdu.Ins,
            apdu.P1,
            apdu.P2,
            RawCommandApdu.EncodeLc(apdu.Data.Length, apdu.Extended),
            body);
        if (!CryptographicOperations.FixedTimeEquals(mac.AsSpan(0, Scp03MessageCrypto.MacLength), apdu.Data.AsSpan(apdu.Data.Length - Scp03MessageCrypto.MacLength)))
        {
            return false;
        }

        mac.CopyTo(_chaining, 0);
        return true;
    }
}

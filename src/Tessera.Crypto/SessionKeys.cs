using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// The SCP03 session keys of one secure channel session: S-ENC, S-MAC and S-RMAC (Amendment D §6.2.1), each as
/// long as the static key it comes from. Derive them with <see cref="Scp03Derivation.DeriveSessionKeys"/>.
/// </summary>
public sealed class SessionKeys
{
    private readonly byte[] _sEnc;
    private readonly byte[] _sMac;
    private readonly byte[] _sRmac;

    /// <summary>Wraps already derived session keys (each 16, 24 or 32 bytes).</summary>
    public SessionKeys(ReadOnlySpan<byte> sEnc, ReadOnlySpan<byte> sMac, ReadOnlySpan<byte> sRmac)
    {
        AesKeys.Validate(sEnc, nameof(sEnc));
        AesKeys.Validate(sMac, nameof(sMac));
        AesKeys.Validate(sRmac, nameof(sRmac));
        _sEnc = sEnc.ToArray();
        _sMac = sMac.ToArray();
        _sRmac = sRmac.ToArray();
    }

    /// <summary>Session encryption key, for C-DECRYPTION and R-ENCRYPTION.</summary>
    public ReadOnlySpan<byte> SEnc => _sEnc;

    /// <summary>Session C-MAC key, also used for the authentication cryptograms.</summary>
    public ReadOnlySpan<byte> SMac => _sMac;

    /// <summary>Session R-MAC key.</summary>
    public ReadOnlySpan<byte> SRmac => _sRmac;

    /// <inheritdoc />
    public override string ToString() => $"SessionKeys(AES-{_sEnc.Length * 8})";
}

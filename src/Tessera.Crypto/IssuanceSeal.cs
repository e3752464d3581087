using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>
/// Sealed simultaneous commands (SPEC §4.9). A sealed file is
/// <c>header (4) ‖ ephemeral public key (65, uncompressed P-256) ‖ nonce (12) ‖ ciphertext ‖ tag (16)</c>.
/// The shared secret is the 32-byte X coordinate of the ECDH point (ephemeral private key × card public key,
/// the raw secret agreement of SEC 1 §3.3.1); the content key is
/// HKDF-SHA256(IKM = shared secret, salt = header, info = "tessera-seal", 32 bytes); the cipher is AES-256-GCM
/// with the header as associated data and a 16-byte tag. The plaintext is everything an unsealed file holds after
/// its header. The header's own meaning (version, flags) is the caller's business.
/// </summary>
public static class IssuanceSeal
{
    /// <summary>Length of the clear header, which is also the AAD and the HKDF salt.</summary>
    public const int HeaderLength = 4;

    /// <summary>Length of the AES-GCM nonce.</summary>
    public const int NonceLength = 12;

    /// <summary>Length of the AES-GCM tag.</summary>
    public const int TagLength = 16;

    /// <summary>Length of the content key (AES-256).</summary>
    public const int KeyLength = 32;

    /// <summary>Bytes a sealed file has beyond its plaintext.</summary>
    public const int Overhead = HeaderLength + IssuanceKeyPair.PublicKeyLength + NonceLength + TagLength;

    private const int PayloadOffset = HeaderLength + IssuanceKeyPair.PublicKeyLength + NonceLength;

    /// <summary>The HKDF info string, ASCII "tessera-seal".</summary>
    public static ReadOnlySpan<byte> Info => "tessera-seal"u8;

    /// <summary>
    /// Seals <paramref name="plaintext"/> to the card whose public key is <paramref name="recipientPublicKey"/>
    /// (65 bytes), with a fresh ephemeral key and a random nonce; returns the whole sealed file.
    /// </summary>
    public static byte[] Seal(ReadOnlySpan<byte> header, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> recipientPublicKey)
    {
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        Span<byte> nonce = stackalloc byte[NonceLength];
        RandomNumberGenerator.Fill(nonce);
        return Seal(header, plaintext, recipientPublicKey, ephemeral, nonce);
    }

    /// <summary>Opens a sealed file; false (never an exception) when it does not open for any reason.</summary>
    public static bool TryOpen(ReadOnlySpan<byte> sealedFile, IssuanceKeyPair recipient, [NotNullWhen(true)] out byte[]? plaintext)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        plaintext = null;
        if (sealedFile.Length < Overhead)
        {
            return false;
        }

        ReadOnlySpan<byte> header = sealedFile[..HeaderLength];
        ReadOnlySpan<byte> ephemeralPoint = sealedFile.Slice(HeaderLength, IssuanceKeyPair.PublicKeyLength);
        ReadOnlySpan<byte> nonce = sealedFile.Slice(HeaderLength + IssuanceKeyPair.PublicKeyLength, NonceLength);
        ReadOnlySpan<byte> ciphertext = sealedFile[PayloadOffset..^TagLength];
        ReadOnlySpan<byte> tag = sealedFile[^TagLength..];

        using var ephemeral = IssuanceKeyPair.TryImportPublicKey(ephemeralPoint);
        if (ephemeral is null)
        {
            return false;
        }

        byte[]? secret = null;
        byte[]? key = null;
        var output = new byte[ciphertext.Length];
        try
        {
            secret = recipient.Key.DeriveRawSecretAgreement(ephemeral.PublicKey);
            key = DeriveContentKey(secret, header);
            using var gcm = new AesGcm(key, TagLength);
            gcm.Decrypt(nonce, ciphertext, tag, output, header);
            plaintext = output;
            return true;
        }
        catch (CryptographicException)
        {
            CryptographicOperations.ZeroMemory(output);
            return false;
        }
        finally
        {
            if (secret is not null)
            {
                CryptographicOperations.ZeroMemory(secret);
            }

            if (key is not null)
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
    }

    /// <summary>Seal with a given ephemeral key and nonce (deterministic, for tests).</summary>
    internal static byte[] Seal(ReadOnlySpan<byte> header, ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> recipientPublicKey, ECDiffieHellman ephemeral, ReadOnlySpan<byte> nonce)
    {
        if (header.Length != HeaderLength)
        {
            throw new ArgumentException("The header is 4 bytes long.", nameof(header));
        }

        if (nonce.Length != NonceLength)
        {
            throw new ArgumentException("The nonce is 12 bytes long.", nameof(nonce));
        }

        using var recipient = IssuanceKeyPair.TryImportPublicKey(recipientPublicKey)
            ?? throw new ArgumentException("Not an uncompressed P-256 public key.", nameof(recipientPublicKey));
        byte[] secret = ephemeral.DeriveRawSecretAgreement(recipient.PublicKey);
        byte[] key = DeriveContentKey(secret, header);
        try
        {
            var sealedFile = new byte[Overhead + plaintext.Length];
            header.CopyTo(sealedFile);
            IssuanceKeyPair.EncodePoint(ephemeral.ExportParameters(false).Q).CopyTo(sealedFile, HeaderLength);
            nonce.CopyTo(sealedFile.AsSpan(HeaderLength + IssuanceKeyPair.PublicKeyLength));
            using var gcm = new AesGcm(key, TagLength);
            gcm.Encrypt(
                nonce,
                plaintext,
                sealedFile.AsSpan(PayloadOffset, plaintext.Length),
                sealedFile.AsSpan(sealedFile.Length - TagLength),
                header);
            return sealedFile;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(secret);
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>HKDF-SHA256(IKM = shared secret, salt = header, info = "tessera-seal"), 32 bytes.</summary>
    internal static byte[] DeriveContentKey(ReadOnlySpan<byte> sharedSecret, ReadOnlySpan<byte> header)
    {
        var key = new byte[KeyLength];
        HKDF.DeriveKey(HashAlgorithmName.SHA256, sharedSecret, key, header, Info);
        return key;
    }
}

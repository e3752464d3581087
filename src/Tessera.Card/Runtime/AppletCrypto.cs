using System.Security.Cryptography;
using Tessera.Crypto;

namespace Tessera.Card.Runtime;

/// <summary>Cryptography an applet may use: the card's random generator, AES-CMAC, SHA-256 and constant-time comparison.</summary>
public static class AppletCrypto
{
    /// <summary><paramref name="length"/> bytes from the card's random generator.</summary>
    public static byte[] Random(int length) => RandomNumberGenerator.GetBytes(length);

    /// <summary>AES-CMAC (NIST SP 800-38B) of <paramref name="data"/> under an AES-128/192/256 key: 16 bytes.</summary>
    public static byte[] Cmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data) => AesCmac.Compute(key, data);

    /// <summary>
    /// True when <paramref name="mac"/> (4 to 16 bytes) equals the leading bytes of the AES-CMAC of
    /// <paramref name="data"/>; compared in constant time.
    /// </summary>
    public static bool VerifyCmac(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        if (mac.Length is < 4 or > AesCmac.MacLength)
        {
            return false;
        }

        Span<byte> full = stackalloc byte[AesCmac.MacLength];
        AesCmac.Compute(key, data, full);
        return CryptographicOperations.FixedTimeEquals(full[..mac.Length], mac);
    }

    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    /// <summary>Compares two byte strings in time that depends only on their lengths.</summary>
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right) =>
        CryptographicOperations.FixedTimeEquals(left, right);
}

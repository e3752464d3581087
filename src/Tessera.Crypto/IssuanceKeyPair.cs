using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>
/// A card's issuance key pair (SPEC §4.9): ECDH on NIST P-256. The public key is the 65-byte uncompressed point
/// <c>04 ‖ X ‖ Y</c> (GET DATA <c>DF51</c>); the private key is the 32-byte scalar the card keeps in NVM.
/// </summary>
public sealed class IssuanceKeyPair : IDisposable
{
    /// <summary>Length of the uncompressed public point.</summary>
    public const int PublicKeyLength = 65;

    /// <summary>Length of the private scalar.</summary>
    public const int PrivateKeyLength = 32;

    private readonly ECDiffieHellman _key;

    private IssuanceKeyPair(ECDiffieHellman key)
    {
        _key = key;
        PublicKey = EncodePoint(key.ExportParameters(false).Q);
    }

    /// <summary>The public key <c>04 ‖ X ‖ Y</c> (65 bytes).</summary>
    public byte[] PublicKey { get; }

    internal ECDiffieHellman Key => _key;

    /// <summary>Generates a fresh key pair.</summary>
    public static IssuanceKeyPair Generate() => new(ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>Restores a key pair from its 32-byte private scalar; throws <see cref="CryptographicException"/> if invalid.</summary>
    public static IssuanceKeyPair FromPrivateKey(ReadOnlySpan<byte> privateKey)
    {
        if (privateKey.Length != PrivateKeyLength)
        {
            throw new ArgumentException("A P-256 private key is 32 bytes long.", nameof(privateKey));
        }

        var parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = privateKey.ToArray() };
        try
        {
            return new IssuanceKeyPair(ECDiffieHellman.Create(parameters));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(parameters.D);
        }
    }

    /// <summary>The 32-byte private scalar, for storage in the card's NVM.</summary>
    public byte[] ExportPrivateKey()
    {
        var parameters = _key.ExportParameters(true);
        return parameters.D!;
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    /// <summary>Imports a 65-byte uncompressed P-256 point; returns null unless it is a valid point of the curve.</summary>
    internal static ECDiffieHellman? TryImportPublicKey(ReadOnlySpan<byte> point)
    {
        if (point.Length != PublicKeyLength || point[0] != 0x04)
        {
            return null;
        }

        var parameters = new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = point.Slice(1, 32).ToArray(), Y = point.Slice(33, 32).ToArray() },
        };
        try
        {
            return ECDiffieHellman.Create(parameters);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    internal static byte[] EncodePoint(ECPoint q)
    {
        var point = new byte[PublicKeyLength];
        point[0] = 0x04;
        q.X!.CopyTo(point, 1);
        q.Y!.CopyTo(point, 33);
        return point;
    }
}

using Tessera.Card.Manager;
using Tessera.Card.Storage;
using Tessera.Crypto;

namespace Tessera.Card.Issuance;

/// <summary>
/// The card's issuance key pair (ECDH P-256, SPEC §4.9) in root slot <see cref="ManagerSlots.IssuanceKey"/>: the 32-byte
/// private scalar followed by the 65-byte public point. Generated at card creation; the public key is GET DATA
/// <c>DF51</c>. A card whose profile names no key generates its pair on first use (the first GET DATA <c>DF51</c>),
/// not at creation: until its public key has been read, no structure can be sealed to it.
/// </summary>
internal static class IssuanceKeyStore
{
    /// <summary>Stores the card's key pair (inside an atomic unit): from <paramref name="privateKey"/>, or a fresh one; returns the public key.</summary>
    public static byte[] Generate(NonVolatileMemory nvm, ReadOnlySpan<byte> privateKey = default)
    {
        using var pair = privateKey.IsEmpty ? IssuanceKeyPair.Generate() : IssuanceKeyPair.FromPrivateKey(privateKey);
        var exported = pair.ExportPrivateKey();
        BlobCodec.Write(nvm, ManagerSlots.IssuanceKey, [.. exported, .. pair.PublicKey]);
        System.Security.Cryptography.CryptographicOperations.ZeroMemory(exported);
        return pair.PublicKey;
    }

    public static IssuanceKeyPair? Load(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.IssuanceKey);
        return bytes is null ? null : IssuanceKeyPair.FromPrivateKey(bytes.AsSpan(0, IssuanceKeyPair.PrivateKeyLength));
    }

    public static byte[]? PublicKey(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.IssuanceKey);
        return bytes?[IssuanceKeyPair.PrivateKeyLength..];
    }
}

using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// Diversification of a card's static SCP03 keys from a master key and the card's 10-byte key diversification
/// data (KDD, returned by INITIALIZE UPDATE), in the "KDF3" style of GlobalPlatformPro
/// (<c>pro.javacard.gp.keys.PlaintextKeys</c>, template <c>"$_ 0x00 0x00 0x00 $k 0x00 $0 … $9"</c>, computed with
/// BouncyCastle's <c>KDFCounterBytesGenerator(CMac(AES))</c>, counter size 8 bits, the counter at <c>$_</c>).
/// </summary>
/// <remarks>
/// The exact input: for i = 1, 2, … the block is
/// <c>AES-CMAC(master, i (1 byte) ‖ 00 00 00 ‖ key id (1 byte) ‖ 00 ‖ KDD[0..9])</c>, and the derived key is the
/// blocks concatenated and cut to the master key length (one block for AES-128, two for AES-192/256).
/// Key ids: 1 = Key-ENC, 2 = Key-MAC, 3 = Key-DEK. There is no L field and no separate label: this is not the
/// SCP03 session KDF of <see cref="Scp03Kdf"/>.
/// </remarks>
public static class Scp03KeyDiversification
{
    /// <summary>Key id of Key-ENC in the KDF3 input.</summary>
    public const byte EncKeyId = 0x01;

    /// <summary>Key id of Key-MAC in the KDF3 input.</summary>
    public const byte MacKeyId = 0x02;

    /// <summary>Key id of Key-DEK in the KDF3 input.</summary>
    public const byte DekKeyId = 0x03;

    /// <summary>Derives one card key (as long as <paramref name="masterKey"/>) for <paramref name="keyId"/>.</summary>
    public static byte[] Kdf3(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> diversificationData, byte keyId)
    {
        AesKeys.Validate(masterKey, nameof(masterKey));
        if (diversificationData.Length != Scp03InitializeUpdateResponse.DiversificationDataLength)
        {
            throw new ArgumentException("Key diversification data is 10 bytes long.", nameof(diversificationData));
        }

        Span<byte> after = stackalloc byte[5 + Scp03InitializeUpdateResponse.DiversificationDataLength];
        after.Clear();
        after[3] = keyId;
        diversificationData.CopyTo(after[5..]);
        return CmacCounterKdf.Derive(masterKey, [], after, masterKey.Length);
    }

    /// <summary>The card's static key set: ENC, MAC and DEK diversified with key ids 1, 2 and 3.</summary>
    public static StaticKeys DiversifyKdf3(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> diversificationData) =>
        new(
            Kdf3(masterKey, diversificationData, EncKeyId),
            Kdf3(masterKey, diversificationData, MacKeyId),
            Kdf3(masterKey, diversificationData, DekKeyId));
}

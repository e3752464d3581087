using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// PUT KEY of an SCP03 AES key set (GPCS 2.3.1 §11.8, Amendment D §7.2): <c>80 D8 P1 81 Lc new-KVN ‖ 3 × key ‖ 00</c>,
/// P1 = KVN to replace (<c>00</c> adds a key set), P2 <c>81</c> = several keys from key id 1 (ENC, MAC, DEK). Each key is
/// <c>88 ‖ Lkcb ‖ key length ‖ AES-CBC(current Key-DEK, ICV 0, key ‖ pad) ‖ 03 ‖ KCV</c>. The card answers
/// <c>new-KVN ‖ KCV-ENC ‖ KCV-MAC ‖ KCV-DEK</c>.
/// </summary>
public static class PutKeyCommand
{
    public const byte Ins = 0xD8;
    public const byte AesKeyType = 0x88;

    /// <param name="newKeyVersion">KVN of the new key set, <c>01</c>-<c>7F</c>.</param>
    /// <param name="replaceKeyVersion">KVN of the key set to replace, <c>00</c> to add one.</param>
    /// <param name="dek">the Key-DEK of the current secure channel's key set.</param>
    public static CommandApdu Build(byte newKeyVersion, byte replaceKeyVersion, StaticKeys newKeys, ReadOnlySpan<byte> dek)
    {
        ArgumentNullException.ThrowIfNull(newKeys);
        if (newKeyVersion is < 1 or > 0x7F || replaceKeyVersion > 0x7F)
        {
            throw new ArgumentOutOfRangeException(nameof(newKeyVersion), "key version numbers are 01-7F (00 = add)");
        }

        byte[] data = [newKeyVersion, .. KeyComponent(newKeys.Enc, dek), .. KeyComponent(newKeys.Mac, dek), .. KeyComponent(newKeys.Dek, dek)];
        return new CommandApdu(0x80, Ins, replaceKeyVersion, 0x81, data, ne: 256);
    }

    /// <summary>One AES key field: <c>88 ‖ Lkcb ‖ key length ‖ encrypted key ‖ 03 ‖ KCV</c>.</summary>
    public static byte[] KeyComponent(ReadOnlySpan<byte> key, ReadOnlySpan<byte> dek)
    {
        var encrypted = Scp03Dek.EncryptKey(dek, key);
        return [AesKeyType, (byte)(1 + encrypted.Length), (byte)key.Length, .. encrypted, KeyCheckValue.Length, .. KeyCheckValue.Aes(key)];
    }

    /// <summary>The answer a card gives when it accepted <paramref name="newKeys"/>: KVN ‖ the three KCVs.</summary>
    public static byte[] ExpectedResponse(byte newKeyVersion, StaticKeys newKeys)
    {
        ArgumentNullException.ThrowIfNull(newKeys);
        return [newKeyVersion, .. KeyCheckValue.Aes(newKeys.Enc), .. KeyCheckValue.Aes(newKeys.Mac), .. KeyCheckValue.Aes(newKeys.Dek)];
    }
}

using System.Security.Cryptography;

namespace Tessera.Crypto.Internal;

/// <summary>
/// The pure SCP03 secure messaging computations (Amendment D §6.2.4–§6.2.7) that the host wrapper and the card
/// unwrapper share, so both sides compute every byte the same way.
/// </summary>
internal static class Scp03MessageCrypto
{
    public const int ChainingLength = 16;
    public const int MacLength = 8;

    /// <summary>
    /// Full 16-byte CMAC(S-MAC, chaining value ‖ CLA' ‖ INS ‖ P1 ‖ P2 ‖ Lc' ‖ data), where CLA' is the MAC form of
    /// CLA and Lc' the length field as sent (1 byte, or <c>00 hi lo</c> for extended length); Le is not MACed.
    /// </summary>
    public static byte[] CommandMac(ReadOnlySpan<byte> sMac, ReadOnlySpan<byte> chaining, byte macCla, byte ins, byte p1, byte p2, ReadOnlySpan<byte> lc, ReadOnlySpan<byte> data)
    {
        using var cmac = new AesCmac(sMac);
        cmac.Append(chaining);
        cmac.Append([macCla, ins, p1, p2]);
        cmac.Append(lc);
        cmac.Append(data);
        return cmac.Finish();
    }

    /// <summary>Full 16-byte CMAC(S-RMAC, chaining value ‖ response data ‖ SW1 SW2).</summary>
    public static byte[] ResponseMac(ReadOnlySpan<byte> sRmac, ReadOnlySpan<byte> chaining, ReadOnlySpan<byte> data, byte sw1, byte sw2)
    {
        using var cmac = new AesCmac(sRmac);
        cmac.Append(chaining);
        cmac.Append(data);
        cmac.Append([sw1, sw2]);
        return cmac.Finish();
    }

    /// <summary>
    /// ICV = AES(S-ENC, encryption counter as a 16-byte big-endian block); for responses the most significant
    /// byte of that block is set to <c>80</c> first (§6.2.6, §6.2.7).
    /// </summary>
    public static byte[] Icv(ReadOnlySpan<byte> sEnc, ulong counter, bool response)
    {
        Span<byte> block = stackalloc byte[AesKeys.BlockSize];
        block.Clear();
        for (int i = 0; i < 8; i++)
        {
            block[AesKeys.BlockSize - 1 - i] = (byte)(counter >> (8 * i));
        }

        if (response)
        {
            block[0] = 0x80;
        }

        using var aes = AesKeys.Create(sEnc, nameof(sEnc));
        var icv = new byte[AesKeys.BlockSize];
        AesBlockCipher.EncryptBlock(aes, block, icv);
        return icv;
    }

    /// <summary>AES-CBC(S-ENC, ICV, pad80(data)).</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> sEnc, ulong counter, bool response, ReadOnlySpan<byte> data)
    {
        byte[] padded = Pad80.Pad(data);
        try
        {
            return AesBlockCipher.CbcEncrypt(sEnc, Icv(sEnc, counter, response), padded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>Reverses <see cref="Encrypt"/>; null when the length or the padding is wrong.</summary>
    public static byte[]? Decrypt(ReadOnlySpan<byte> sEnc, ulong counter, bool response, ReadOnlySpan<byte> encrypted)
    {
        if (encrypted.IsEmpty || encrypted.Length % AesKeys.BlockSize != 0)
        {
            return null;
        }

        byte[] padded = AesBlockCipher.CbcDecrypt(sEnc, Icv(sEnc, counter, response), encrypted);
        try
        {
            return Pad80.TryGetUnpaddedLength(padded, out int length) ? padded.AsSpan(0, length).ToArray() : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>
    /// True for the status words that get R-MAC / R-ENCRYPTION: <c>9000</c>, <c>62xx</c> and <c>63xx</c>
    /// (§6.2.5: every other status word is an error and the response is the status word alone).
    /// </summary>
    public static bool IsProtectedStatus(byte sw1, byte sw2) => (sw1 == 0x90 && sw2 == 0x00) || sw1 is 0x62 or 0x63;
}

using System.Security.Cryptography;

namespace Tessera.Crypto.Internal;

/// <summary>Raw AES-ECB (one block) and AES-CBC without padding, as the GlobalPlatform algorithms use them.</summary>
internal static class AesBlockCipher
{
    /// <summary>AES-ECB encryption of exactly one 16-byte block.</summary>
    public static void EncryptBlock(Aes aes, ReadOnlySpan<byte> block, Span<byte> destination)
    {
        if (block.Length != AesKeys.BlockSize)
        {
            throw new ArgumentException("An AES block is 16 bytes long.", nameof(block));
        }

        aes.EncryptEcb(block, destination, PaddingMode.None);
    }

    /// <summary>AES-CBC encryption without padding; <paramref name="data"/> must be a multiple of 16 bytes.</summary>
    public static byte[] CbcEncrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> data)
    {
        RequireWholeBlocks(data.Length, nameof(data));
        using var aes = AesKeys.Create(key);
        return aes.EncryptCbc(data, iv, PaddingMode.None);
    }

    /// <summary>AES-CBC decryption without padding; <paramref name="data"/> must be a multiple of 16 bytes.</summary>
    public static byte[] CbcDecrypt(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv, ReadOnlySpan<byte> data)
    {
        RequireWholeBlocks(data.Length, nameof(data));
        using var aes = AesKeys.Create(key);
        return aes.DecryptCbc(data, iv, PaddingMode.None);
    }

    private static void RequireWholeBlocks(int length, string paramName)
    {
        if (length % AesKeys.BlockSize != 0)
        {
            throw new ArgumentException($"AES-CBC without padding needs a multiple of 16 bytes, not {length}.", paramName);
        }
    }
}

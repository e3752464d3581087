using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>Key check values (GP Card Specification §B.6).</summary>
public static class KeyCheckValue
{
    /// <summary>Length of a key check value as PUT KEY carries it.</summary>
    public const int Length = 3;

    /// <summary>AES KCV: the first 3 bytes of AES-ECB(<paramref name="key"/>, 16 × 01).</summary>
    public static byte[] Aes(ReadOnlySpan<byte> key)
    {
        using var aes = AesKeys.Create(key, nameof(key));
        Span<byte> block = stackalloc byte[AesKeys.BlockSize];
        block.Fill(0x01);
        AesBlockCipher.EncryptBlock(aes, block, block);
        return block[..Length].ToArray();
    }
}

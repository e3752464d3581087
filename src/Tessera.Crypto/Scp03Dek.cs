using System.Security.Cryptography;
using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// Sensitive data encryption under the static Key-DEK (Amendment D §6.2.8): AES-CBC with ICV = 16 × 00 and no
/// session key. PUT KEY carries an AES key as <c>88 ‖ Lkcb ‖ key length ‖ Encrypt(DEK, key ‖ pad)</c>
/// (Amendment D Table 7-10); <see cref="EncryptKey"/> / <see cref="DecryptKey"/> produce and read the encrypted part.
/// </summary>
public static class Scp03Dek
{
    private static readonly byte[] ZeroIcv = new byte[AesKeys.BlockSize];

    /// <summary>AES-CBC(DEK, ICV 0, data); <paramref name="data"/> must be a multiple of 16 bytes.</summary>
    public static byte[] Encrypt(ReadOnlySpan<byte> dek, ReadOnlySpan<byte> data) => AesBlockCipher.CbcEncrypt(dek, ZeroIcv, data);

    /// <summary>AES-CBC decryption under DEK with ICV 0; <paramref name="data"/> must be a multiple of 16 bytes.</summary>
    public static byte[] Decrypt(ReadOnlySpan<byte> dek, ReadOnlySpan<byte> data) => AesBlockCipher.CbcDecrypt(dek, ZeroIcv, data);

    /// <summary>
    /// Encrypts a key value for PUT KEY: the key is right-padded with <c>00</c> bytes to a multiple of 16
    /// (an AES-192 key gets 8 bytes; the specification lets the pad be arbitrary) and encrypted.
    /// </summary>
    public static byte[] EncryptKey(ReadOnlySpan<byte> dek, ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty)
        {
            throw new ArgumentException("The key is empty.", nameof(key));
        }

        var padded = new byte[(key.Length + AesKeys.BlockSize - 1) / AesKeys.BlockSize * AesKeys.BlockSize];
        key.CopyTo(padded);
        try
        {
            return Encrypt(dek, padded);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }

    /// <summary>Decrypts a PUT KEY key value and keeps its first <paramref name="keyLength"/> bytes (the pad is ignored).</summary>
    public static byte[] DecryptKey(ReadOnlySpan<byte> dek, ReadOnlySpan<byte> encryptedKey, int keyLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keyLength);
        if (keyLength > encryptedKey.Length || encryptedKey.Length - keyLength >= AesKeys.BlockSize)
        {
            throw new ArgumentException("The encrypted key does not match the key length.", nameof(encryptedKey));
        }

        byte[] padded = Decrypt(dek, encryptedKey);
        try
        {
            return padded.AsSpan(0, keyLength).ToArray();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(padded);
        }
    }
}

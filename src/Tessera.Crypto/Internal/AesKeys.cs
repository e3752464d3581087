using System.Security.Cryptography;

namespace Tessera.Crypto.Internal;

/// <summary>Creation of <see cref="System.Security.Cryptography.Aes"/> instances and AES key-length checks.</summary>
internal static class AesKeys
{
    public const int BlockSize = 16;

    /// <summary>True for the three AES key lengths: 16, 24 and 32 bytes.</summary>
    public static bool IsValidLength(int length) => length is 16 or 24 or 32;

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="key"/> is 16, 24 or 32 bytes long.</summary>
    public static void Validate(ReadOnlySpan<byte> key, string paramName)
    {
        if (!IsValidLength(key.Length))
        {
            throw new ArgumentException($"An AES key is 16, 24 or 32 bytes long, not {key.Length}.", paramName);
        }
    }

    /// <summary>Creates an AES instance keyed with <paramref name="key"/>; the caller disposes it.</summary>
    public static Aes Create(ReadOnlySpan<byte> key, string paramName = "key")
    {
        Validate(key, paramName);
        var aes = Aes.Create();
        aes.Key = key.ToArray();
        return aes;
    }
}

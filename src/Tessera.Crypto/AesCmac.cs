using System.Buffers;
using System.Security.Cryptography;
using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// AES-CMAC (NIST SP 800-38B, RFC 4493) for AES-128, AES-192 and AES-256, built on AES-ECB/CBC.
/// The static <see cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{byte})"/> is the one-shot form; an instance
/// computes the same MAC incrementally (<see cref="Append"/> any number of times, then <see cref="Finish()"/>).
/// An instance is not thread-safe.
/// </summary>
public sealed class AesCmac : IDisposable
{
    /// <summary>Length of the full (untruncated) MAC: one AES block.</summary>
    public const int MacLength = 16;

    private const int BlockSize = AesKeys.BlockSize;
    private const int BulkChunk = 4096;

    private readonly Aes _aes;
    private readonly byte[] _k1 = new byte[BlockSize];
    private readonly byte[] _k2 = new byte[BlockSize];
    private readonly byte[] _state = new byte[BlockSize];
    private readonly byte[] _pending = new byte[BlockSize];
    private int _pendingLength;
    private bool _disposed;

    /// <summary>Starts an incremental CMAC under <paramref name="key"/> (16, 24 or 32 bytes).</summary>
    public AesCmac(ReadOnlySpan<byte> key)
    {
        _aes = AesKeys.Create(key, nameof(key));
        DeriveSubkeys(_aes, _k1, _k2);
    }

    /// <summary>One-shot AES-CMAC of <paramref name="data"/> under <paramref name="key"/>; returns 16 bytes.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data)
    {
        var mac = new byte[MacLength];
        Compute(key, data, mac);
        return mac;
    }

    /// <summary>One-shot AES-CMAC written to the first 16 bytes of <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        using var cmac = new AesCmac(key);
        cmac.Append(data);
        cmac.Finish(destination);
    }

    /// <summary>
    /// Checks, in constant time, that <paramref name="mac"/> (1 to 16 bytes) equals the leading bytes of the
    /// AES-CMAC of <paramref name="data"/>.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac)
    {
        if (mac.Length is < 1 or > MacLength)
        {
            return false;
        }

        Span<byte> full = stackalloc byte[MacLength];
        Compute(key, data, full);
        return CryptographicOperations.FixedTimeEquals(full[..mac.Length], mac);
    }

    /// <summary>The CMAC subkeys K1 and K2 of <paramref name="key"/> (SP 800-38B §6.1).</summary>
    public static (byte[] K1, byte[] K2) GenerateSubkeys(ReadOnlySpan<byte> key)
    {
        using var aes = AesKeys.Create(key, nameof(key));
        var k1 = new byte[BlockSize];
        var k2 = new byte[BlockSize];
        DeriveSubkeys(aes, k1, k2);
        return (k1, k2);
    }

    /// <summary>Feeds more message bytes.</summary>
    public void Append(ReadOnlySpan<byte> data)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (data.IsEmpty)
        {
            return;
        }

        if (_pendingLength < BlockSize)
        {
            int take = Math.Min(BlockSize - _pendingLength, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingLength));
            _pendingLength += take;
            data = data[take..];
            if (data.IsEmpty)
            {
                return;
            }
        }

        // The pending block is full and more data follows, so it is not the last block.
        ChainBlocks(_pending);
        _pendingLength = 0;

        // Chain every whole block except the last 1..16 bytes, which may be the final block.
        int bulk = (data.Length - 1) / BlockSize * BlockSize;
        ChainBlocks(data[..bulk]);
        data = data[bulk..];
        data.CopyTo(_pending);
        _pendingLength = data.Length;
    }

    /// <summary>Returns the 16-byte MAC of everything appended since the last reset, then resets.</summary>
    public byte[] Finish()
    {
        var mac = new byte[MacLength];
        Finish(mac);
        return mac;
    }

    /// <summary>Writes the 16-byte MAC to <paramref name="destination"/>, then resets.</summary>
    public void Finish(Span<byte> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (destination.Length < MacLength)
        {
            throw new ArgumentException("The destination must hold 16 bytes.", nameof(destination));
        }

        Span<byte> last = stackalloc byte[BlockSize];
        last.Clear();
        _pending.AsSpan(0, _pendingLength).CopyTo(last);
        byte[] subkey = _k1;
        if (_pendingLength < BlockSize)
        {
            last[_pendingLength] = 0x80;
            subkey = _k2;
        }

        for (int i = 0; i < BlockSize; i++)
        {
            last[i] ^= (byte)(subkey[i] ^ _state[i]);
        }

        AesBlockCipher.EncryptBlock(_aes, last, destination);
        Reset();
    }

    /// <summary>Forgets everything appended, keeping the key.</summary>
    public void Reset()
    {
        CryptographicOperations.ZeroMemory(_state);
        CryptographicOperations.ZeroMemory(_pending);
        _pendingLength = 0;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Reset();
        CryptographicOperations.ZeroMemory(_k1);
        CryptographicOperations.ZeroMemory(_k2);
        _aes.Dispose();
    }

    private void ChainBlocks(ReadOnlySpan<byte> blocks)
    {
        if (blocks.IsEmpty)
        {
            return;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(blocks.Length, BulkChunk));
        try
        {
            while (!blocks.IsEmpty)
            {
                int n = Math.Min(blocks.Length, BulkChunk);
                Span<byte> output = buffer.AsSpan(0, n);
                _aes.EncryptCbc(blocks[..n], _state, output, PaddingMode.None);
                output[^BlockSize..].CopyTo(_state);
                blocks = blocks[n..];
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(buffer);
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void DeriveSubkeys(Aes aes, Span<byte> k1, Span<byte> k2)
    {
        Span<byte> l = stackalloc byte[BlockSize];
        l.Clear();
        AesBlockCipher.EncryptBlock(aes, l, l);
        DoubleInGf128(l, k1);
        DoubleInGf128(k1, k2);
        CryptographicOperations.ZeroMemory(l);
    }

    /// <summary>Left shift by one bit, xoring Rb = 0x87 into the last byte when the top bit falls out.</summary>
    private static void DoubleInGf128(ReadOnlySpan<byte> input, Span<byte> output)
    {
        bool carry = (input[0] & 0x80) != 0;
        for (int i = 0; i < BlockSize - 1; i++)
        {
            output[i] = (byte)((input[i] << 1) | (input[i + 1] >> 7));
        }

        output[BlockSize - 1] = (byte)(input[BlockSize - 1] << 1);
        if (carry)
        {
            output[BlockSize - 1] ^= 0x87;
        }
    }
}

namespace Tessera.Crypto;

/// <summary>
/// The padding of GP Card Specification §B.2.3 / ISO/IEC 9797-1 method 2: append <c>80</c>, then <c>00</c> bytes
/// up to a multiple of the block size; at least one byte is always added.
/// </summary>
public static class Pad80
{
    /// <summary>Returns <paramref name="data"/> padded to a multiple of <paramref name="blockSize"/> (default 16).</summary>
    public static byte[] Pad(ReadOnlySpan<byte> data, int blockSize = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        var padded = new byte[PaddedLength(data.Length, blockSize)];
        data.CopyTo(padded);
        padded[data.Length] = 0x80;
        return padded;
    }

    /// <summary>The length of <paramref name="length"/> bytes after padding.</summary>
    public static int PaddedLength(int length, int blockSize = 16)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        return (length / blockSize + 1) * blockSize;
    }

    /// <summary>
    /// Finds the unpadded length of <paramref name="padded"/>: the trailing <c>00</c> bytes and the <c>80</c>
    /// before them must lie within the last block. Returns false when the padding is not well formed.
    /// </summary>
    public static bool TryGetUnpaddedLength(ReadOnlySpan<byte> padded, out int length, int blockSize = 16)
    {
        length = 0;
        if (padded.IsEmpty || padded.Length % blockSize != 0)
        {
            return false;
        }

        int i = padded.Length - 1;
        int lowest = padded.Length - blockSize;
        while (i >= lowest && padded[i] == 0x00)
        {
            i--;
        }

        if (i < lowest || padded[i] != 0x80)
        {
            return false;
        }

        length = i;
        return true;
    }
}

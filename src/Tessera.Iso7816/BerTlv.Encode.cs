namespace Tessera.Iso7816;

public static partial class BerTlv
{
    /// <summary>Bytes of the shortest length field for <paramref name="length"/> (1 to 5).</summary>
    public static int GetLengthSize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        return length switch
        {
            <= 0x7F => 1,
            <= 0xFF => 2,
            <= 0xFFFF => 3,
            <= 0xFFFFFF => 4,
            _ => 5,
        };
    }

    /// <summary>Writes the shortest length field for <paramref name="length"/>; returns the bytes written.</summary>
    public static int WriteLength(Span<byte> destination, int length)
    {
        var size = GetLengthSize(length);
        if (destination.Length < size)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        if (size == 1)
        {
            destination[0] = (byte)length;
            return 1;
        }

        destination[0] = (byte)(0x80 + size - 1);
        for (var i = 1; i < size; i++)
        {
            destination[i] = (byte)(length >> ((size - 1 - i) * 8));
        }

        return size;
    }

    public static byte[] EncodeLength(int length)
    {
        var bytes = new byte[GetLengthSize(length)];
        WriteLength(bytes, length);
        return bytes;
    }

    /// <summary>Size of the encoding of one data object with a value of <paramref name="valueLength"/> bytes.</summary>
    public static int GetEncodedSize(BerTag tag, int valueLength)
    {
        ThrowIfDefault(tag);
        var size = (long)tag.EncodedLength + GetLengthSize(valueLength) + valueLength;
        return size <= Array.MaxLength ? (int)size : throw new ArgumentOutOfRangeException(nameof(valueLength), "encoding too large");
    }

    /// <summary>Writes <c>tag ‖ length ‖ value</c>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, BerTag tag, ReadOnlySpan<byte> value)
    {
        var size = GetEncodedSize(tag, value.Length);
        if (destination.Length < size)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        var i = tag.Encode(destination);
        i += WriteLength(destination[i..], value.Length);
        value.CopyTo(destination[i..]);
        return size;
    }

    /// <summary>The encoding <c>tag ‖ length ‖ value</c> of one data object.</summary>
    public static byte[] Encode(BerTag tag, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[GetEncodedSize(tag, value.Length)];
        Write(bytes, tag, value);
        return bytes;
    }

    internal static void ThrowIfDefault(BerTag tag)
    {
        if (tag.IsDefault)
        {
            throw new ArgumentException("default(BerTag) is not a tag", nameof(tag));
        }
    }
}

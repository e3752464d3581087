namespace Tessera.Iso7816;

/// <summary>
/// SIMPLE-TLV (ISO/IEC 7816-4 §5.2.1): a one-byte tag <c>01</c>-<c>FE</c> and a length of one byte <c>00</c>-<c>FE</c>
/// or <c>FF</c> followed by two big-endian bytes (0-65535). The same length coding serves DGIs (<see cref="Dgi"/>).
/// The encoder writes the shortest length; the decoder also accepts <c>FF 00 xx</c> for short lengths.
/// </summary>
public static class SimpleTlv
{
    public const int MaxLength = 0xFFFF;

    /// <summary>Bytes of the length field for <paramref name="length"/> (1 or 3).</summary>
    public static int GetLengthSize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        return length < 0xFF ? 1 : 3;
    }

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
        }
        else
        {
            destination[0] = 0xFF;
            destination[1] = (byte)(length >> 8);
            destination[2] = (byte)length;
        }

        return size;
    }

    public static byte[] EncodeLength(int length)
    {
        var bytes = new byte[GetLengthSize(length)];
        WriteLength(bytes, length);
        return bytes;
    }

    /// <summary>Reads a length field; the value it announces must fit in the rest of <paramref name="source"/>.</summary>
    public static bool TryReadLength(ReadOnlySpan<byte> source, out int length, out int bytesConsumed) =>
        DecodeLength(source, out length, out bytesConsumed, true) is null;

    /// <inheritdoc cref="TryReadLength"/>
    public static int ReadLength(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var error = DecodeLength(source, out var length, out bytesConsumed, true);
        return error is null ? length : throw new TlvFormatException(error, 0);
    }

    /// <summary>Reads one SIMPLE-TLV data object.</summary>
    public static bool TryReadElement(ReadOnlySpan<byte> source, out byte tag, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        if (DecodeElement(source, out tag, out var length, out var header, out _) is null)
        {
            value = source.Slice(header, length);
            bytesConsumed = header + length;
            return true;
        }

        value = default;
        bytesConsumed = 0;
        return false;
    }

    /// <inheritdoc cref="TryReadElement"/>
    public static ReadOnlySpan<byte> ReadElement(ReadOnlySpan<byte> source, out byte tag, out int bytesConsumed)
    {
        var error = DecodeElement(source, out tag, out var length, out var header, out var at);
        if (error is not null)
        {
            throw new TlvFormatException(error, at);
        }

        bytesConsumed = header + length;
        return source.Slice(header, length);
    }

    public static int GetEncodedSize(int valueLength) => 1 + GetLengthSize(valueLength) + valueLength;

    public static int Write(Span<byte> destination, byte tag, ReadOnlySpan<byte> value)
    {
        ThrowIfInvalidTag(tag);
        var size = GetEncodedSize(value.Length);
        if (destination.Length < size)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        destination[0] = tag;
        var i = 1 + WriteLength(destination[1..], value.Length);
        value.CopyTo(destination[i..]);
        return size;
    }

    public static byte[] Encode(byte tag, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[GetEncodedSize(value.Length)];
        Write(bytes, tag, value);
        return bytes;
    }

    internal static void ThrowIfInvalidTag(byte tag)
    {
        if (tag is 0x00 or 0xFF)
        {
            throw new ArgumentOutOfRangeException(nameof(tag), tag, "SIMPLE-TLV tags are 01-FE");
        }
    }

    /// <summary>Decodes a SIMPLE-TLV/DGI length; with <paramref name="checkFits"/> the value must fit in the input.</summary>
    internal static string? DecodeLength(ReadOnlySpan<byte> source, out int length, out int bytesConsumed, bool checkFits)
    {
        length = 0;
        bytesConsumed = 0;
        if (source.IsEmpty)
        {
            return "length expected, input ends";
        }

        int size, value;
        if (source[0] != 0xFF)
        {
            size = 1;
            value = source[0];
        }
        else if (source.Length < 3)
        {
            return $"length field FF truncated: 2 bytes must follow, {source.Length - 1} present";
        }
        else
        {
            size = 3;
            value = (source[1] << 8) | source[2];
        }

        if (checkFits && value > source.Length - size)
        {
            return $"length {value} runs past the end of the input ({source.Length - size} byte(s) follow)";
        }

        length = value;
        bytesConsumed = size;
        return null;
    }

    internal static string? DecodeElement(ReadOnlySpan<byte> source, out byte tag, out int length, out int headerSize, out int errorOffset)
    {
        tag = 0;
        length = 0;
        headerSize = 0;
        errorOffset = 0;
        if (source.IsEmpty)
        {
            return "SIMPLE-TLV tag expected, input ends";
        }

        if (source[0] is 0x00 or 0xFF)
        {
            return $"SIMPLE-TLV tag {source[0]:X2} is invalid (tags are 01-FE)";
        }

        var error = DecodeLength(source[1..], out length, out var lengthSize, true);
        if (error is not null)
        {
            errorOffset = 1;
            return error;
        }

        tag = source[0];
        headerSize = 1 + lengthSize;
        return null;
    }

    /// <summary>Reads the object at <paramref name="offset"/> of <paramref name="data"/>, throwing with that offset.</summary>
    internal static ReadOnlyMemory<byte> ReadElementAt(ReadOnlyMemory<byte> data, int offset, out byte tag, out int bytesConsumed)
    {
        try
        {
            var value = ReadElement(data.Span[offset..], out tag, out bytesConsumed);
            return data.Slice(offset + (bytesConsumed - value.Length), value.Length);
        }
        catch (TlvFormatException e)
        {
            throw new TlvFormatException(e.Reason, offset + Math.Max(e.Offset, 0));
        }
    }
}

namespace Tessera.Iso7816;

/// <summary>
/// GlobalPlatform length fields of LV-coded data (GPCS 2.3.1 §11.1.5, §11.5.2.3): one byte up to 127,
/// <c>81 xx</c> up to 255, <c>82 xx xx</c> up to 65535. When parsing, <c>80</c> is also accepted and means 128
/// (GP allows it for parameters, token and key fields); it is never written.
/// </summary>
public static class GpLength
{
    public const int MaxLength = 0xFFFF;

    /// <summary>Bytes of the length field for <paramref name="length"/> (1 to 3).</summary>
    public static int GetSize(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, MaxLength);
        return length <= 0x7F ? 1 : length <= 0xFF ? 2 : 3;
    }

    /// <summary>Writes the length field; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, int length)
    {
        var size = GetSize(length);
        if (destination.Length < size)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        switch (size)
        {
            case 1:
                destination[0] = (byte)length;
                break;
            case 2:
                destination[0] = 0x81;
                destination[1] = (byte)length;
                break;
            default:
                destination[0] = 0x82;
                destination[1] = (byte)(length >> 8);
                destination[2] = (byte)length;
                break;
        }

        return size;
    }

    public static byte[] Encode(int length)
    {
        var bytes = new byte[GetSize(length)];
        Write(bytes, length);
        return bytes;
    }

    /// <summary>Reads a length field; the value it announces must fit in the rest of <paramref name="source"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out int length, out int bytesConsumed) =>
        Decode(source, out length, out bytesConsumed) is null;

    /// <inheritdoc cref="TryRead"/>
    public static int Read(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var error = Decode(source, out var length, out bytesConsumed);
        return error is null ? length : throw new TlvFormatException(error, 0);
    }

    /// <summary>Reads an LV field: a length field and that many value bytes.</summary>
    public static bool TryReadLv(ReadOnlySpan<byte> source, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        if (Decode(source, out var length, out var size) is null)
        {
            value = source.Slice(size, length);
            bytesConsumed = size + length;
            return true;
        }

        value = default;
        bytesConsumed = 0;
        return false;
    }

    /// <inheritdoc cref="TryReadLv"/>
    public static ReadOnlySpan<byte> ReadLv(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var error = Decode(source, out var length, out var size);
        if (error is not null)
        {
            throw new TlvFormatException(error, 0);
        }

        bytesConsumed = size + length;
        return source.Slice(size, length);
    }

    /// <summary>The LV encoding <c>length ‖ value</c>.</summary>
    public static byte[] EncodeLv(ReadOnlySpan<byte> value)
    {
        var bytes = new byte[GetSize(value.Length) + value.Length];
        var i = Write(bytes, value.Length);
        value.CopyTo(bytes.AsSpan(i));
        return bytes;
    }

    private static string? Decode(ReadOnlySpan<byte> source, out int length, out int bytesConsumed)
    {
        length = 0;
        bytesConsumed = 0;
        if (source.IsEmpty)
        {
            return "GP length expected, input ends";
        }

        int size, value;
        switch (source[0])
        {
            case <= 0x80:
                size = 1;
                value = source[0];
                break;
            case 0x81:
                if (source.Length < 2)
                {
                    return "GP length field 81 truncated";
                }

                size = 2;
                value = source[1];
                break;
            case 0x82:
                if (source.Length < 3)
                {
                    return "GP length field 82 truncated";
                }

                size = 3;
                value = (source[1] << 8) | source[2];
                break;
            default:
                return $"GP length byte {source[0]:X2} is invalid (GP lengths are 00-80, 81 xx or 82 xx xx)";
        }

        if (value > source.Length - size)
        {
            return $"GP length {value} runs past the end of the input ({source.Length - size} byte(s) follow)";
        }

        length = value;
        bytesConsumed = size;
        return null;
    }
}

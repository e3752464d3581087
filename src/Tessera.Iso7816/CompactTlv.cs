namespace Tessera.Iso7816;

/// <summary>
/// COMPACT-TLV (ISO/IEC 7816-4 §5.2.2.1, used in ATR historical bytes): one byte of tag number (high nibble) and
/// length (low nibble, 0-15) followed by the value. Tag number <c>X</c> stands for the BER-TLV tag <c>4X</c>.
/// </summary>
public static class CompactTlv
{
    public const int MaxTag = 0x0F;
    public const int MaxLength = 0x0F;

    /// <summary>Reads one COMPACT-TLV data object; <paramref name="tag"/> is the tag number 0-15.</summary>
    public static bool TryReadElement(ReadOnlySpan<byte> source, out byte tag, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        if (Decode(source, out tag, out var length) is null)
        {
            value = source.Slice(1, length);
            bytesConsumed = 1 + length;
            return true;
        }

        value = default;
        bytesConsumed = 0;
        return false;
    }

    /// <inheritdoc cref="TryReadElement"/>
    public static ReadOnlySpan<byte> ReadElement(ReadOnlySpan<byte> source, out byte tag, out int bytesConsumed)
    {
        var error = Decode(source, out tag, out var length);
        if (error is not null)
        {
            throw new TlvFormatException(error, 0);
        }

        bytesConsumed = 1 + length;
        return source.Slice(1, length);
    }

    public static int Write(Span<byte> destination, byte tag, ReadOnlySpan<byte> value)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(tag, (byte)MaxTag);
        if (value.Length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "COMPACT-TLV values are at most 15 bytes");
        }

        if (destination.Length < 1 + value.Length)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        destination[0] = (byte)((tag << 4) | value.Length);
        value.CopyTo(destination[1..]);
        return 1 + value.Length;
    }

    /// <summary>The encoding <c>(tag ‖ length) value</c>.</summary>
    public static byte[] Encode(byte tag, ReadOnlySpan<byte> value)
    {
        if (value.Length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value.Length, "COMPACT-TLV values are at most 15 bytes");
        }

        var bytes = new byte[1 + value.Length];
        Write(bytes, tag, value);
        return bytes;
    }

    internal static string? Decode(ReadOnlySpan<byte> source, out byte tag, out int length)
    {
        tag = 0;
        length = 0;
        if (source.IsEmpty)
        {
            return "COMPACT-TLV header expected, input ends";
        }

        var l = source[0] & 0x0F;
        if (l > source.Length - 1)
        {
            return $"COMPACT-TLV {source[0]:X2} announces {l} value byte(s), {source.Length - 1} follow";
        }

        tag = (byte)(source[0] >> 4);
        length = l;
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

namespace Tessera.Iso7816;

/// <summary>
/// Data Grouping Identifier objects of EMV CPS / GlobalPlatform STORE DATA (GPCS 2.3.1 §11.1.12): a two-byte DGI,
/// a SIMPLE-TLV length (<c>00</c>-<c>FE</c>, or <c>FF</c> + 2 bytes) and the value.
/// </summary>
public static class Dgi
{
    public const int MaxLength = SimpleTlv.MaxLength;

    /// <summary>
    /// Reads only the header (DGI and length) of the object that starts <paramref name="source"/>, whether or not its
    /// value is there yet (a DGI may be split over several STORE DATA blocks). False when the header is incomplete.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> source, out ushort dgi, out int valueLength, out int headerLength)
    {
        dgi = 0;
        valueLength = 0;
        headerLength = 0;
        if (source.Length < 3 || SimpleTlv.DecodeLength(source[2..], out var length, out var lengthSize, false) is not null)
        {
            return false;
        }

        dgi = (ushort)((source[0] << 8) | source[1]);
        valueLength = length;
        headerLength = 2 + lengthSize;
        return true;
    }

    /// <summary>Reads one whole DGI object.</summary>
    public static bool TryReadElement(ReadOnlySpan<byte> source, out ushort dgi, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        if (Decode(source, out dgi, out var length, out var header, out _) is null)
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
    public static ReadOnlySpan<byte> ReadElement(ReadOnlySpan<byte> source, out ushort dgi, out int bytesConsumed)
    {
        var error = Decode(source, out dgi, out var length, out var header, out var at);
        if (error is not null)
        {
            throw new TlvFormatException(error, at);
        }

        bytesConsumed = header + length;
        return source.Slice(header, length);
    }

    public static int GetEncodedSize(int valueLength) => 2 + SimpleTlv.GetLengthSize(valueLength) + valueLength;

    public static int Write(Span<byte> destination, ushort dgi, ReadOnlySpan<byte> value)
    {
        var size = GetEncodedSize(value.Length);
        if (destination.Length < size)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        destination[0] = (byte)(dgi >> 8);
        destination[1] = (byte)dgi;
        var i = 2 + SimpleTlv.WriteLength(destination[2..], value.Length);
        value.CopyTo(destination[i..]);
        return size;
    }

    /// <summary>The encoding <c>DGI ‖ length ‖ value</c>.</summary>
    public static byte[] Encode(ushort dgi, ReadOnlySpan<byte> value)
    {
        var bytes = new byte[GetEncodedSize(value.Length)];
        Write(bytes, dgi, value);
        return bytes;
    }

    internal static string? Decode(ReadOnlySpan<byte> source, out ushort dgi, out int length, out int headerSize, out int errorOffset)
    {
        dgi = 0;
        length = 0;
        headerSize = 0;
        errorOffset = 0;
        if (source.Length < 2)
        {
            return $"DGI truncated: 2 bytes expected, {source.Length} present";
        }

        var error = SimpleTlv.DecodeLength(source[2..], out length, out var lengthSize, true);
        if (error is not null)
        {
            errorOffset = 2;
            return $"{error} (DGI {source[0]:X2}{source[1]:X2})";
        }

        dgi = (ushort)((source[0] << 8) | source[1]);
        headerSize = 2 + lengthSize;
        return null;
    }

    /// <summary>Reads the object at <paramref name="offset"/> of <paramref name="data"/>, throwing with that offset.</summary>
    internal static ReadOnlyMemory<byte> ReadElementAt(ReadOnlyMemory<byte> data, int offset, out ushort tag, out int bytesConsumed)
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

namespace Tessera.Iso7816;

/// <summary>
/// Stateless BER-TLV decoder and encoder for ISO/IEC 7816-4 Annex D: spans in, values and bytes consumed out.
/// Tags are 1-4 bytes (<see cref="BerTag"/>); lengths are one byte <c>00</c>-<c>7F</c> or <c>81</c>-<c>84</c>
/// followed by 1-4 big-endian bytes. The indefinite form <c>80</c> and the first length bytes <c>85</c>-<c>FF</c>
/// are rejected, and so is any length that runs past the end of the input or past <see cref="int.MaxValue"/>.
/// Long forms that are longer than needed (<c>81 05</c>) are accepted, as BER allows; the encoder always writes
/// the shortest form. The <c>Try…</c> methods return false on any error; the others throw
/// <see cref="TlvFormatException"/> with the reason.
/// </summary>
public static partial class BerTlv
{
    /// <summary>Longest length field this library reads or writes (<c>84</c> + 4 bytes).</summary>
    public const int MaxLengthFieldSize = 5;

    /// <summary>Reads the tag at the start of <paramref name="source"/>.</summary>
    public static bool TryReadTag(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed) =>
        DecodeTag(source, out tag, out bytesConsumed, out _) is null;

    /// <inheritdoc cref="TryReadTag"/>
    public static BerTag ReadTag(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var error = DecodeTag(source, out var tag, out bytesConsumed, out var at);
        return error is null ? tag : throw new TlvFormatException(error, at);
    }

    /// <summary>
    /// Reads the length field at the start of <paramref name="source"/>; the value that it announces must fit in the
    /// rest of <paramref name="source"/>.
    /// </summary>
    public static bool TryReadLength(ReadOnlySpan<byte> source, out int length, out int bytesConsumed) =>
        DecodeLength(source, out length, out bytesConsumed, out _) is null;

    /// <inheritdoc cref="TryReadLength"/>
    public static int ReadLength(ReadOnlySpan<byte> source, out int bytesConsumed)
    {
        var error = DecodeLength(source, out var length, out bytesConsumed, out var at);
        return error is null ? length : throw new TlvFormatException(error, at);
    }

    /// <summary>Reads one whole data object (tag, length and value) at the start of <paramref name="source"/>.</summary>
    public static bool TryReadElement(ReadOnlySpan<byte> source, out BerTag tag, out ReadOnlySpan<byte> value, out int bytesConsumed)
    {
        if (DecodeElement(source, out tag, out var valueOffset, out var valueLength, out bytesConsumed, out _) is null)
        {
            value = source.Slice(valueOffset, valueLength);
            return true;
        }

        value = default;
        return false;
    }

    /// <inheritdoc cref="TryReadElement"/>
    public static ReadOnlySpan<byte> ReadElement(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed)
    {
        var error = DecodeElement(source, out tag, out var valueOffset, out var valueLength, out bytesConsumed, out var at);
        return error is null ? source.Slice(valueOffset, valueLength) : throw new TlvFormatException(error, at);
    }

    /// <summary>Decodes a tag; returns null or the reason it is not one, with the offset of the offending byte.</summary>
    internal static string? DecodeTag(ReadOnlySpan<byte> source, out BerTag tag, out int bytesConsumed, out int errorOffset)
    {
        tag = default;
        bytesConsumed = 0;
        errorOffset = 0;
        if (source.IsEmpty)
        {
            return "tag expected, input ends";
        }

        var first = source[0];
        if (first == 0x00)
        {
            return "tag byte 00 is invalid";
        }

        uint value = first;
        if ((first & 0x1F) != 0x1F)
        {
            tag = BerTag.FromValidated(value);
            bytesConsumed = 1;
            return null;
        }

        for (var i = 1; ; i++)
        {
            errorOffset = i;
            if (i >= BerTag.MaxLength)
            {
                return $"tag longer than {BerTag.MaxLength} bytes";
            }

            if (i >= source.Length)
            {
                return $"tag truncated: {first:X2} announces subsequent tag bytes, input ends after {i} byte(s)";
            }

            var b = source[i];
            if (i == 1 && (b & 0x7F) == 0)
            {
                return $"first subsequent tag byte {b:X2} has b7-b1 all 0";
            }

            value = (value << 8) | b;
            if ((b & 0x80) == 0)
            {
                tag = BerTag.FromValidated(value);
                bytesConsumed = i + 1;
                errorOffset = 0;
                return null;
            }
        }
    }

    /// <summary>Decodes a length field and checks that the value it announces fits in the rest of the input.</summary>
    internal static string? DecodeLength(ReadOnlySpan<byte> source, out int length, out int bytesConsumed, out int errorOffset)
    {
        length = 0;
        bytesConsumed = 0;
        errorOffset = 0;
        if (source.IsEmpty)
        {
            return "length expected, input ends";
        }

        var first = source[0];
        int size;
        long value;
        if (first < 0x80)
        {
            size = 1;
            value = first;
        }
        else if (first == 0x80)
        {
            return "indefinite length (80) is not allowed in ISO/IEC 7816";
        }
        else if (first > 0x84)
        {
            return $"length byte {first:X2} is invalid (long forms are 81-84)";
        }
        else
        {
            var n = first - 0x80;
            size = 1 + n;
            if (source.Length < size)
            {
                return $"length field truncated: {first:X2} announces {n} length byte(s), {source.Length - 1} present";
            }

            value = 0;
            for (var i = 1; i <= n; i++)
            {
                value = (value << 8) | source[i];
            }

            if (value > int.MaxValue)
            {
                return $"length {value} is beyond the supported maximum {int.MaxValue}";
            }
        }

        if (value > source.Length - size)
        {
            return $"length {value} runs past the end of the input ({source.Length - size} byte(s) follow)";
        }

        length = (int)value;
        bytesConsumed = size;
        return null;
    }

    internal static string? DecodeElement(
        ReadOnlySpan<byte> source,
        out BerTag tag,
        out int valueOffset,
        out int valueLength,
        out int bytesConsumed,
        out int errorOffset)
    {
        valueOffset = 0;
        valueLength = 0;
        bytesConsumed = 0;
        var error = DecodeTag(source, out tag, out var tagSize, out errorOffset);
        if (error is not null)
        {
            return error;
        }

        error = DecodeLength(source[tagSize..], out valueLength, out var lengthSize, out errorOffset);
        if (error is not null)
        {
            errorOffset += tagSize;
            var message = $"{error} (tag {tag})";
            tag = default;
            return message;
        }

        valueOffset = tagSize + lengthSize;
        bytesConsumed = valueOffset + valueLength;
        return null;
    }
}

namespace Tessera.Iso7816;

/// <summary>
/// A forward-only reader of consecutive BER-TLV data objects over <see cref="ReadOnlyMemory{T}"/>. Values are
/// slices of the input (no copies). Malformed input throws <see cref="TlvFormatException"/> with the offset in the
/// outermost input; a failed read leaves the reader where it was.
/// </summary>
public sealed class BerTlvReader
{
    private readonly ReadOnlyMemory<byte> data;
    private readonly int baseOffset;
    private int position;

    public BerTlvReader(ReadOnlyMemory<byte> data, BerTlvPadding padding = BerTlvPadding.None)
        : this(data, padding, 0)
    {
    }

    private BerTlvReader(ReadOnlyMemory<byte> data, BerTlvPadding padding, int baseOffset)
    {
        if (padding is < BerTlvPadding.None or > BerTlvPadding.Skip00AndFF)
        {
            throw new ArgumentOutOfRangeException(nameof(padding));
        }

        this.data = data;
        Padding = padding;
        this.baseOffset = baseOffset;
    }

    public BerTlvPadding Padding { get; }

    /// <summary>All bytes this reader reads (for a nested reader, the value of its constructed data object).</summary>
    public ReadOnlyMemory<byte> Data => data;

    /// <summary>Offset of the next unread byte within this reader's input.</summary>
    public int Position => position;

    /// <summary>True while a data object (not only padding) remains.</summary>
    public bool HasData
    {
        get
        {
            SkipPadding();
            return position < data.Length;
        }
    }

    /// <summary>The unread bytes (padding included).</summary>
    public ReadOnlyMemory<byte> RemainingData => data[position..];

    /// <summary>The tag of the next data object, without consuming it.</summary>
    public BerTag PeekTag()
    {
        SkipPadding();
        var error = BerTlv.DecodeTag(data.Span[position..], out var tag, out _, out var at);
        return error is null ? tag : throw Error(error, at);
    }

    /// <summary>Reads the next data object.</summary>
    public BerTlvElement ReadElement()
    {
        var (tag, valueOffset, valueLength, size) = Next();
        var element = new BerTlvElement(tag, data.Slice(position + valueOffset, valueLength), data.Slice(position, size));
        position += size;
        return element;
    }

    /// <summary>Reads the next data object and returns its value.</summary>
    public ReadOnlyMemory<byte> ReadElement(out BerTag tag)
    {
        var element = ReadElement();
        tag = element.Tag;
        return element.Value;
    }

    /// <summary>Reads the next data object, which must have tag <paramref name="expectedTag"/>, and returns its value.</summary>
    public ReadOnlyMemory<byte> ReadValue(BerTag expectedTag)
    {
        var (tag, valueOffset, valueLength, size) = Next();
        if (tag != expectedTag)
        {
            throw Error($"expected tag {expectedTag}, found {tag}", 0);
        }

        var value = data.Slice(position + valueOffset, valueLength);
        position += size;
        return value;
    }

    /// <summary>Reads the next data object if it has tag <paramref name="tag"/> (for optional objects in a fixed order).</summary>
    public bool TryReadValue(BerTag tag, out ReadOnlyMemory<byte> value)
    {
        if (HasData && PeekTag() == tag)
        {
            value = ReadValue(tag);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Reads the next data object, which must be constructed, and returns a reader over its value.</summary>
    public BerTlvReader ReadConstructed(out BerTag tag)
    {
        var (t, valueOffset, valueLength, size) = Next();
        if (!t.IsConstructed)
        {
            throw Error($"tag {t} is primitive, a constructed data object was expected", 0);
        }

        var nested = new BerTlvReader(data.Slice(position + valueOffset, valueLength), Padding, baseOffset + position + valueOffset);
        position += size;
        tag = t;
        return nested;
    }

    /// <summary>Reads the next data object, which must be the constructed tag <paramref name="expectedTag"/>.</summary>
    public BerTlvReader ReadConstructed(BerTag expectedTag)
    {
        var tag = PeekTag();
        if (tag != expectedTag)
        {
            throw Error($"expected tag {expectedTag}, found {tag}", 0);
        }

        return ReadConstructed(out _);
    }

    /// <summary>
    /// Finds the first data object with <paramref name="tag"/> among the remaining objects of this level (nested
    /// objects are not searched) without moving the reader.
    /// </summary>
    public bool TryFind(BerTag tag, out ReadOnlyMemory<byte> value)
    {
        var saved = position;
        try
        {
            while (HasData)
            {
                var element = ReadElement();
                if (element.Tag == tag)
                {
                    value = element.Value;
                    return true;
                }
            }
        }
        finally
        {
            position = saved;
        }

        value = default;
        return false;
    }

    /// <summary>Throws when anything but padding remains.</summary>
    public void ThrowIfNotEmpty()
    {
        if (HasData)
        {
            throw Error($"unexpected data: {data.Length - position} byte(s) left, starting with tag bytes {data.Span[position]:X2}", 0);
        }
    }

    private (BerTag Tag, int ValueOffset, int ValueLength, int Size) Next()
    {
        SkipPadding();
        var error = BerTlv.DecodeElement(data.Span[position..], out var tag, out var valueOffset, out var valueLength, out var size, out var at);
        return error is null ? (tag, valueOffset, valueLength, size) : throw Error(error, at);
    }

    private void SkipPadding()
    {
        if (Padding == BerTlvPadding.None)
        {
            return;
        }

        var span = data.Span;
        while (position < span.Length && (span[position] == 0x00 || (Padding == BerTlvPadding.Skip00AndFF && span[position] == 0xFF)))
        {
            position++;
        }
    }

    private TlvFormatException Error(string message, int relativeOffset) =>
        new(message, baseOffset + position + relativeOffset);
}

namespace Tessera.Iso7816;

/// <summary>One BER-TLV data object as read: its tag, its value and its whole encoding (slices of the reader's input).</summary>
public readonly struct BerTlvElement
{
    public BerTlvElement(BerTag tag, ReadOnlyMemory<byte> value, ReadOnlyMemory<byte> encoded)
    {
        Tag = tag;
        Value = value;
        Encoded = encoded;
    }

    public BerTag Tag { get; }

    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>Tag, length and value bytes exactly as they appeared in the input.</summary>
    public ReadOnlyMemory<byte> Encoded { get; }

    public bool IsConstructed => Tag.IsConstructed;

    public override string ToString() => $"{Tag} {Convert.ToHexString(Value.Span)}";
}

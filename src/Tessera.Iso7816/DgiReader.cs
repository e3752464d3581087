namespace Tessera.Iso7816;

/// <summary>A forward-only reader of consecutive DGI data objects; values are slices of the input.</summary>
public sealed class DgiReader
{
    private readonly ReadOnlyMemory<byte> data;
    private int position;

    public DgiReader(ReadOnlyMemory<byte> data)
    {
        this.data = data;
    }

    /// <summary>Offset of the next unread byte.</summary>
    public int Position => position;

    public bool HasData => position < data.Length;

    public ReadOnlyMemory<byte> RemainingData => data[position..];

    /// <summary>Reads the next data object; throws <see cref="TlvFormatException"/> if it is malformed (the reader does not move).</summary>
    public ReadOnlyMemory<byte> ReadElement(out ushort tag)
    {
        var value = Dgi.ReadElementAt(data, position, out tag, out var consumed);
        position += consumed;
        return value;
    }

    /// <summary>Finds the first remaining data object with <paramref name="tag"/> without moving the reader.</summary>
    public bool TryFind(ushort tag, out ReadOnlyMemory<byte> value)
    {
        var at = position;
        while (at < data.Length)
        {
            var v = Dgi.ReadElementAt(data, at, out var t, out var consumed);
            at += consumed;
            if (t == tag)
            {
                value = v;
                return true;
            }
        }

        value = default;
        return false;
    }
}

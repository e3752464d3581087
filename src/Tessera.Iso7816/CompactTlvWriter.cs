using System.Buffers;

namespace Tessera.Iso7816;

/// <summary>Builds a sequence of COMPACT-TLV data objects.</summary>
public sealed class CompactTlvWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new();

    public int Length => buffer.WrittenCount;

    /// <summary>Appends one data object.</summary>
    public void Write(byte tag, ReadOnlySpan<byte> value)
    {
        var size = 1 + value.Length;
        var written = CompactTlv.Write(buffer.GetSpan(size), tag, value);
        buffer.Advance(written);
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    public void Reset() => buffer.Clear();
}

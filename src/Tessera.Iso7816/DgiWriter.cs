using System.Buffers;

namespace Tessera.Iso7816;

/// <summary>Builds a sequence of DGI data objects.</summary>
public sealed class DgiWriter
{
    private readonly ArrayBufferWriter<byte> buffer = new();

    public int Length => buffer.WrittenCount;

    /// <summary>Appends one data object.</summary>
    public void Write(ushort tag, ReadOnlySpan<byte> value)
    {
        var size = Dgi.GetEncodedSize(value.Length);
        var written = Dgi.Write(buffer.GetSpan(size), tag, value);
        buffer.Advance(written);
    }

    public byte[] ToArray() => buffer.WrittenSpan.ToArray();

    public void Reset() => buffer.Clear();
}

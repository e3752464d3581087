using System.Buffers.Binary;
using Tessera.Card.Storage;

namespace Tessera.Card.Manager;

/// <summary>Reads and writes the whole-block records of <see cref="ManagerSlots"/>.</summary>
internal static class BlobCodec
{
    public static byte[]? Read(NonVolatileMemory nvm, int slot)
    {
        var block = nvm.GetRoot(slot);
        return block.IsNone ? null : nvm.View(block).ToArray();
    }

    /// <summary>Replaces a slot's record: in place when the length is unchanged, else in a fresh block.</summary>
    public static void Write(NonVolatileMemory nvm, int slot, ReadOnlySpan<byte> bytes)
    {
        var block = nvm.GetRoot(slot);
        if (!block.IsNone && nvm.LengthOf(block) == bytes.Length)
        {
            if (!nvm.View(block).SequenceEqual(bytes))
            {
                nvm.Write(block, 0, bytes);
            }

            return;
        }

        var fresh = nvm.Allocate(bytes.Length);
        nvm.Write(fresh, 0, bytes);
        nvm.SetRoot(slot, fresh);
        if (!block.IsNone)
        {
            nvm.Free(block);
        }
    }

    public static void Clear(NonVolatileMemory nvm, int slot)
    {
        var block = nvm.GetRoot(slot);
        if (!block.IsNone)
        {
            nvm.SetRoot(slot, NvmHandle.None);
            nvm.Free(block);
        }
    }
}

/// <summary>A growing byte buffer for records: big-endian integers and u16-length-prefixed byte strings.</summary>
internal sealed class RecordWriter
{
    private readonly List<byte> bytes = [];

    public RecordWriter U8(byte value)
    {
        bytes.Add(value);
        return this;
    }

    public RecordWriter U16(int value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
        return this;
    }

    public RecordWriter U32(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        bytes.AddRange(b);
        return this;
    }

    public RecordWriter Raw(ReadOnlySpan<byte> value)
    {
        bytes.AddRange(value);
        return this;
    }

    public RecordWriter Lv(ReadOnlySpan<byte> value) => U16(value.Length).Raw(value);

    public byte[] ToArray() => [.. bytes];
}

/// <summary>Reads what <see cref="RecordWriter"/> wrote; a short record throws (NVM content is trusted).</summary>
internal sealed class RecordReader(byte[] bytes)
{
    private int position;

    public bool HasData => position < bytes.Length;

    public byte U8() => bytes[position++];

    public int U16()
    {
        var value = BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(position));
        position += 2;
        return value;
    }

    public uint U32()
    {
        var value = BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(position));
        position += 4;
        return value;
    }

    public byte[] Raw(int length)
    {
        var value = bytes.AsSpan(position, length).ToArray();
        position += length;
        return value;
    }

    public byte[] Lv() => Raw(U16());
}

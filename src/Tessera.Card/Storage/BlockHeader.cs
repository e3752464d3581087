using System.Buffers.Binary;

namespace Tessera.Card.Storage;

/// <summary>
/// The 8 bytes in front of every heap block, allocated or free: <c>u32 units ‖ u32 (allocated ? 80000000 | length : 0)</c>,
/// big-endian. A block spans <c>units</c> × 8 bytes, header included; blocks tile the heap from its first byte to its last.
/// </summary>
internal static class BlockHeader
{
    public const int Size = 8;
    private const uint AllocatedFlag = 0x8000_0000;

    public static void Write(Span<byte> header, uint units, bool allocated, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(header, units);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], allocated ? AllocatedFlag | (uint)length : 0);
    }

    public static (uint Units, bool Allocated, int Length) Read(ReadOnlySpan<byte> header)
    {
        var units = BinaryPrimitives.ReadUInt32BigEndian(header);
        var word = BinaryPrimitives.ReadUInt32BigEndian(header[4..]);
        return (units, (word & AllocatedFlag) != 0, (int)(word & ~AllocatedFlag));
    }
}

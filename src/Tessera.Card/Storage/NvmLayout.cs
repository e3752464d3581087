using System.Buffers.Binary;

namespace Tessera.Card.Storage;

/// <summary>
/// Where things live on a formatted medium: page 0 the volume header (written once by
/// <see cref="NonVolatileMemory.Format"/>), page 1 the root slots, then the redo journal, then the heap.
/// <code>
/// volume header: "TNVM" ‖ u16 version ‖ u16 root slots ‖ u32 page size ‖ u32 page count ‖ u32 journal pages ‖ u32 CRC-32 of the 20 bytes before
/// </code>
/// </summary>
public sealed record NvmLayout
{
    public const int VolumePage = 0;
    public const int RootPage = 1;
    public const int JournalStart = 2;

    /// <summary>Default journal size: room for a 64 KiB LOAD block and its metadata in one atomic unit.</summary>
    public const int DefaultJournalBytes = 96 * 1024;

    public const int MinJournalPages = 4;
    public const int MinHeapPages = 4;

    private const uint Magic = 0x544E564D; // "TNVM"
    private const ushort Version = 1;
    private const int EncodedSize = 24;

    private NvmLayout(int pageSize, int pageCount, int journalPages)
    {
        PageSize = pageSize;
        PageCount = pageCount;
        JournalPages = journalPages;
    }

    public int PageSize { get; }

    public int PageCount { get; }

    public int JournalPages { get; }

    public int HeapStart => JournalStart + JournalPages;

    public int HeapPages => PageCount - HeapStart;

    /// <summary>
    /// The layout for a medium; <paramref name="journalBytes"/> 0 picks the default
    /// (<see cref="DefaultJournalBytes"/>, at most a quarter of the medium).
    /// </summary>
    public static NvmLayout Plan(int pageSize, int pageCount, int journalBytes = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(journalBytes);
        var journalPages = journalBytes > 0
            ? (journalBytes + pageSize - 1) / pageSize
            : Math.Max(MinJournalPages, (int)Math.Min(DefaultJournalBytes, (long)pageSize * pageCount / 4) / pageSize);
        if (journalPages < MinJournalPages || pageCount - JournalStart - journalPages < MinHeapPages)
        {
            throw new ArgumentOutOfRangeException(nameof(journalBytes), journalBytes, $"a journal of {journalPages} pages does not fit a medium of {pageCount} pages of {pageSize} bytes");
        }

        return new NvmLayout(pageSize, pageCount, journalPages);
    }

    internal static NvmLayout? Read(ReadOnlySpan<byte> page)
    {
        if (page.Length < EncodedSize
            || BinaryPrimitives.ReadUInt32BigEndian(page) != Magic
            || BinaryPrimitives.ReadUInt32BigEndian(page[20..]) != Crc32.Compute(page[..20]))
        {
            return null;
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(page[4..]);
        var roots = BinaryPrimitives.ReadUInt16BigEndian(page[6..]);
        if (version != Version || roots != NonVolatileMemory.RootSlotCount)
        {
            throw new NvmCorruptException($"NVM volume version {version} with {roots} root slots is not supported");
        }

        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(page[8..]);
        var pageCount = (int)BinaryPrimitives.ReadUInt32BigEndian(page[12..]);
        var journalPages = (int)BinaryPrimitives.ReadUInt32BigEndian(page[16..]);
        return new NvmLayout(pageSize, pageCount, journalPages);
    }

    internal void Write(Span<byte> page)
    {
        BinaryPrimitives.WriteUInt32BigEndian(page, Magic);
        BinaryPrimitives.WriteUInt16BigEndian(page[4..], Version);
        BinaryPrimitives.WriteUInt16BigEndian(page[6..], NonVolatileMemory.RootSlotCount);
        BinaryPrimitives.WriteUInt32BigEndian(page[8..], (uint)PageSize);
        BinaryPrimitives.WriteUInt32BigEndian(page[12..], (uint)PageCount);
        BinaryPrimitives.WriteUInt32BigEndian(page[16..], (uint)JournalPages);
        BinaryPrimitives.WriteUInt32BigEndian(page[20..], Crc32.Compute(page[..20]));
    }
}

using System.Buffers.Binary;

namespace Tessera.Card.Storage;

/// <summary>
/// The redo journal that makes an atomic unit durable. One record at a fixed place:
/// <code>
/// journal page 0 (commit page): "TJRN" ‖ u32 K ‖ u32 CRC ‖ u32 0 ‖ the first target page numbers (u32 each)
/// journal pages 1..L:           the remaining target page numbers, if they do not fit the commit page
/// journal pages 1+L..L+K:       the new content of the K target pages, in order
/// </code>
/// The CRC-32 covers the list pages, the data pages and the commit page (CRC field as zero). Commit writes list and
/// data pages, then the commit page (the commit point: a torn commit page fails its CRC), then the K home pages.
/// Recovery replays the record if its CRC holds: replaying is idempotent, so it is always safe, also after a torn
/// recovery, and pages that already hold their new content are not written again. The next commit overwrites the
/// record; a record partly overwritten fails its CRC (unless every overwritten byte is unchanged, in which case
/// replaying it rewrites the same bytes its home pages already hold).
/// </summary>
internal sealed class RedoJournal
{
    private const uint Magic = 0x544A524E; // "TJRN"
    private const int HeaderSize = 16;
    private const int CrcOffset = 8;

    private readonly PageStore store;
    private readonly NvmLayout layout;
    private readonly byte[] scratch;
    private readonly int inlineEntries;
    private readonly int entriesPerListPage;

    public RedoJournal(PageStore store, NvmLayout layout)
    {
        this.store = store;
        this.layout = layout;
        scratch = new byte[layout.PageSize];
        inlineEntries = (layout.PageSize - HeaderSize) / 4;
        entriesPerListPage = layout.PageSize / 4;
        var max = layout.JournalPages - 1;
        while (max > 0 && 1 + ListPagesFor(max) + max > layout.JournalPages)
        {
            max--;
        }

        MaxPages = max;
    }

    /// <summary>The most pages one atomic unit may change.</summary>
    public int MaxPages { get; }

    /// <summary>Physical writes for a unit that changes <paramref name="pages"/> pages.</summary>
    public int WritesFor(int pages) => pages == 0 ? 0 : ListPagesFor(pages) + pages + 1 + pages;

    /// <summary>Makes the changed <paramref name="pages"/> (ascending, at most <see cref="MaxPages"/>) durable.</summary>
    public void Commit(List<int> pages, PageCache cache)
    {
        var count = pages.Count;
        if (count > MaxPages)
        {
            // Callers check the room before they write; a unit that still outgrew the journal must not overwrite the heap.
            throw new NvmFullException($"the atomic unit changes {count} NVM pages; the journal takes at most {MaxPages}");
        }

        var listPages = ListPagesFor(count);
        var crc = Crc32.Initial;
        for (var p = 0; p < listPages; p++)
        {
            Array.Clear(scratch);
            for (var j = 0; j < entriesPerListPage; j++)
            {
                var i = inlineEntries + (p * entriesPerListPage) + j;
                if (i >= count)
                {
                    break;
                }

                BinaryPrimitives.WriteUInt32BigEndian(scratch.AsSpan(j * 4), (uint)pages[i]);
            }

            store.Write(NvmLayout.JournalStart + 1 + p, scratch);
            crc = Crc32.Append(crc, scratch);
        }

        for (var i = 0; i < count; i++)
        {
            var data = cache.DirtyPage(pages[i]);
            store.Write(DataSlot(listPages, i), data);
            crc = Crc32.Append(crc, data);
        }

        store.Flush();

        Array.Clear(scratch);
        BinaryPrimitives.WriteUInt32BigEndian(scratch, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(scratch.AsSpan(4), (uint)count);
        for (var i = 0; i < count && i < inlineEntries; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(scratch.AsSpan(HeaderSize + (i * 4)), (uint)pages[i]);
        }

        crc = Crc32.Finish(Crc32.Append(crc, scratch));
        BinaryPrimitives.WriteUInt32BigEndian(scratch.AsSpan(CrcOffset), crc);
        store.Write(NvmLayout.JournalStart, scratch);
        store.Flush();

        for (var i = 0; i < count; i++)
        {
            store.Write(pages[i], cache.DirtyPage(pages[i]));
        }

        store.Flush();
    }

    /// <summary>Replays the journal record if it is complete; returns the pages written.</summary>
    public int Recover()
    {
        var commit = store.Page(NvmLayout.JournalStart);
        if (BinaryPrimitives.ReadUInt32BigEndian(commit) != Magic)
        {
            return 0;
        }

        var count = BinaryPrimitives.ReadUInt32BigEndian(commit[4..]);
        if (count == 0 || count > MaxPages)
        {
            return 0;
        }

        var k = (int)count;
        var listPages = ListPagesFor(k);
        var crc = Crc32.Initial;
        for (var p = 0; p < listPages; p++)
        {
            crc = Crc32.Append(crc, store.Page(NvmLayout.JournalStart + 1 + p));
        }

        for (var i = 0; i < k; i++)
        {
            crc = Crc32.Append(crc, store.Page(DataSlot(listPages, i)));
        }

        commit.CopyTo(scratch);
        var stored = BinaryPrimitives.ReadUInt32BigEndian(scratch.AsSpan(CrcOffset));
        scratch.AsSpan(CrcOffset, 4).Clear();
        if (Crc32.Finish(Crc32.Append(crc, scratch)) != stored)
        {
            return 0;
        }

        var written = 0;
        for (var i = 0; i < k; i++)
        {
            var target = Target(listPages, i);
            var data = store.Page(DataSlot(listPages, i));
            if (!store.Page(target).SequenceEqual(data))
            {
                store.Write(target, data);
                written++;
            }
        }

        store.Flush();
        return written;
    }

    private int ListPagesFor(int count) =>
        count <= inlineEntries ? 0 : (count - inlineEntries + entriesPerListPage - 1) / entriesPerListPage;

    private static int DataSlot(int listPages, int i) => NvmLayout.JournalStart + 1 + listPages + i;

    private int Target(int listPages, int i)
    {
        var entry = i < inlineEntries
            ? store.Page(NvmLayout.JournalStart).Slice(HeaderSize + (i * 4), 4)
            : store.Page(NvmLayout.JournalStart + 1 + ((i - inlineEntries) / entriesPerListPage)).Slice((i - inlineEntries) % entriesPerListPage * 4, 4);
        var target = BinaryPrimitives.ReadUInt32BigEndian(entry);
        if (target != NvmLayout.RootPage && (target < layout.HeapStart || target >= layout.PageCount))
        {
            throw new NvmCorruptException($"the journal record names page {target}, which the journal may not write");
        }

        return (int)target;
    }
}

using System.Buffers.Binary;

namespace Tessera.Card.Storage;

/// <summary>
/// The undo log of a long operation that spans many atomic units and must be revocable as a whole (self-issuance:
/// CLEAR ISSUANCE returns the card to its content before the issuance, SPEC §4.6).
/// <para>
/// <see cref="BeginUndoLog"/> records which pages held content at that moment (every page with a byte of an allocated
/// block or a block header: the "content pages") in a log block named by root slot <see cref="UndoLogSlot"/>. From
/// then on, each commit first copies the committed content of every content page it changes for the first time into
/// the log, in the same atomic unit, so the log always holds exactly the before-image of the content pages changed
/// since. Pages that were free space need no copy: after restoring the content pages, every block header and every
/// allocated byte is as it was, so the heap is exactly the old heap (free space may hold other bytes; allocation
/// zero-fills). <see cref="RestoreUndoLog"/> writes the before-images back in one atomic unit (the root page too, so
/// the log's own slot goes back to empty); <see cref="DiscardUndoLog"/> keeps the changes and frees the log.
/// </para>
/// <code>
/// log block: "TUND" ‖ u32 runs ‖ u32 capacity ‖ u32 saved ‖ runs × (u32 first page, u32 pages) ‖ capacity × u32 page
///            ‖ capacity × page-size before-images
/// </code>
/// The capacity is the number of content pages, at most what one atomic unit can restore; an operation that would
/// change more content pages fails its command with <see cref="NvmFullException"/> (6A84).
/// </summary>
public sealed partial class NonVolatileMemory
{
    /// <summary>The root slot reserved for the undo log (higher layers must not use it).</summary>
    public const int UndoLogSlot = RootSlotCount - 1;

    private const uint UndoMagic = 0x54554E44; // "TUND"
    private const int UndoHeaderSize = 16;

    // Journal pages kept free for the restoring unit's own writes (the caller's record, heap headers): an eighth of the
    // journal, 8 to 48 pages.
    private int UndoRestoreReserve => Math.Clamp(journal.MaxPages / 8, 8, 48);

    private readonly List<int> undoNeeded = [];
    private bool indexRebuiltInUnit;

    /// <summary>True while an undo log records (its root slot names a block, current view).</summary>
    public bool UndoLogActive
    {
        get
        {
            RequirePowered();
            return !GetRoot(UndoLogSlot).IsNone;
        }
    }

    /// <summary>Content pages saved so far, and how many the log can take.</summary>
    public (int Saved, int Capacity) UndoLogUsage
    {
        get
        {
            var log = GetRoot(UndoLogSlot);
            if (log.IsNone)
            {
                return (0, 0);
            }

            var header = View(log, 0, UndoHeaderSize);
            return ((int)BinaryPrimitives.ReadUInt32BigEndian(header[12..]), (int)BinaryPrimitives.ReadUInt32BigEndian(header[8..]));
        }
    }

    /// <summary>
    /// Starts recording at the state before this atomic unit (which must not have changed anything yet): the unit's own
    /// changes are the first ones recorded.
    /// </summary>
    /// <param name="excluded">blocks whose payload is not content (its pages are neither saved nor restored, unless
    /// they also hold other content): data the restore must not bring back, or need not.</param>
    /// <param name="saveNow">blocks whose pages are saved at once (with the root page), so that a full log never stops
    /// them from changing: state that must stay writable while the operation is open.</param>
    /// <exception cref="NvmFullException">no room for the log; nothing changed.</exception>
    public void BeginUndoLog(IReadOnlyCollection<NvmHandle>? excluded = null, IReadOnlyCollection<NvmHandle>? saveNow = null)
    {
        RequireAtomic();
        if (dirty)
        {
            throw new InvalidOperationException("the undo log must start before the atomic unit changes anything");
        }

        if (!GetRoot(UndoLogSlot).IsNone)
        {
            throw new InvalidOperationException("an undo log is already recording");
        }

        var runs = ContentPageRuns(excluded ?? []);
        var contentPages = runs.Sum(r => r.Pages);
        var capacity = Math.Min(contentPages, journal.MaxPages - UndoRestoreReserve);
        var pageSize = Layout.PageSize;
        var early = new SortedSet<int> { NvmLayout.RootPage };
        foreach (var block in saveNow ?? [])
        {
            var from = PayloadAddress(block) - BlockHeader.Size;
            var to = PayloadAddress(block) + RequireBlock(block).Length - 1;
            for (var page = from / pageSize; page <= to / pageSize; page++)
            {
                early.Add(page);
            }
        }

        if (capacity < early.Count)
        {
            throw new NvmFullException($"the journal ({journal.MaxPages} pages) is too small for an undo log");
        }

        var headerLength = UndoHeaderSize + (runs.Count * 8) + (capacity * 4);
        var length = headerLength + (capacity * Layout.PageSize);
        var log = Allocate(length, zeroFill: false);
        var header = new byte[headerLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, UndoMagic);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), (uint)runs.Count);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(8), (uint)capacity);
        for (var i = 0; i < runs.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(UndoHeaderSize + (i * 8)), (uint)runs[i].First);
            BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(UndoHeaderSize + (i * 8) + 4), (uint)runs[i].Pages);
        }

        Write(log, 0, header);

        // Before-images of the pages saved at once: the unit has changed none of them yet, so the medium holds them.
        var directoryAt = UndoHeaderSize + (runs.Count * 8);
        var slotsAt = directoryAt + (capacity * 4);
        var saved = 0;
        Span<byte> entry = stackalloc byte[4];
        foreach (var page in early)
        {
            Write(log, slotsAt + (saved * pageSize), store.Page(page));
            BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)page);
            Write(log, directoryAt + (saved * 4), entry);
            saved++;
        }

        BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)saved);
        Write(log, 12, entry);
        SetRoot(UndoLogSlot, log);
    }

    /// <summary>Keeps every recorded change and frees the log (inside an atomic unit).</summary>
    public void DiscardUndoLog()
    {
        RequireAtomic();
        var log = GetRoot(UndoLogSlot);
        if (log.IsNone)
        {
            return;
        }

        SetRoot(UndoLogSlot, NvmHandle.None);
        Free(log);
    }

    /// <summary>
    /// Puts every content page changed since <see cref="BeginUndoLog"/> back as it was (inside an atomic unit, which
    /// must not have changed anything yet): the heap, the root slots and every block are as they were then, and the log
    /// is gone. The caller may write more in the same unit.
    /// </summary>
    public void RestoreUndoLog()
    {
        RequireAtomic();
        if (dirty)
        {
            throw new InvalidOperationException("the undo log must be restored before the atomic unit changes anything");
        }

        var log = GetRoot(UndoLogSlot);
        if (log.IsNone)
        {
            throw new InvalidOperationException("no undo log is recording");
        }

        var (runCount, capacity, saved) = ReadUndoHeader(log);
        var directoryAt = UndoHeaderSize + (runCount * 8);
        var slotsAt = directoryAt + (capacity * 4);
        var pageSize = Layout.PageSize;
        var images = new (int Page, byte[] Content)[saved];
        for (var i = 0; i < saved; i++)
        {
            var page = (int)BinaryPrimitives.ReadUInt32BigEndian(View(log, directoryAt + (i * 4), 4));
            images[i] = (page, View(log, slotsAt + (i * pageSize), pageSize).ToArray());
        }

        foreach (var (page, content) in images)
        {
            cache.Write(page * pageSize, content);
        }

        dirty = true;
        indexRebuiltInUnit = true;
        RebuildIndex();
    }

    /// <summary>
    /// Called by <see cref="CommitAtomic"/> while a log records: copies the committed content of each content page the
    /// unit changes for the first time into the log (a fixpoint, since saving writes log pages too).
    /// </summary>
    private void RecordUndo()
    {
        var log = GetRoot(UndoLogSlot);
        if (log.IsNone)
        {
            return;
        }

        var (runCount, capacity, saved) = ReadUndoHeader(log);
        var directoryAt = UndoHeaderSize + (runCount * 8);
        var slotsAt = directoryAt + (capacity * 4);
        var pageSize = Layout.PageSize;
        Span<byte> entry = stackalloc byte[4];
        var runs = View(log, UndoHeaderSize, runCount * 8).ToArray();
        while (true)
        {
            cache.CollectChanged(commitPages);
            undoNeeded.Clear();
            var directory = View(log, directoryAt, saved * 4).ToArray();
            foreach (var page in commitPages)
            {
                if (IsContentPage(runs, page) && !IsSaved(directory, page))
                {
                    undoNeeded.Add(page);
                }
            }

            if (undoNeeded.Count == 0)
            {
                return;
            }

            if (saved + undoNeeded.Count > capacity)
            {
                throw new NvmFullException($"the operation would change more than {capacity} pages of earlier card content, the most its undo log can restore");
            }

            // The exact pages the records will dirty: the slots (K images, rarely page-aligned), the directory entries
            // and the saved count.
            var logAt = PayloadAddress(log);
            var newPages = CountCleanPages(logAt + slotsAt + (saved * pageSize), undoNeeded.Count * pageSize)
                + CountCleanPages(logAt + directoryAt + (saved * 4), undoNeeded.Count * 4)
                + CountCleanPages(logAt + 12, 4);
            if (cache.Count + newPages > journal.MaxPages)
            {
                throw new NvmFullException($"the atomic unit and its undo records would change more than {journal.MaxPages} NVM pages");
            }

            foreach (var page in undoNeeded)
            {
                cache.Write(PayloadAddress(log) + slotsAt + (saved * pageSize), store.Page(page));
                BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)page);
                cache.Write(PayloadAddress(log) + directoryAt + (saved * 4), entry);
                saved++;
            }

            BinaryPrimitives.WriteUInt32BigEndian(entry, (uint)saved);
            cache.Write(PayloadAddress(log) + 12, entry);
        }
    }

    /// <summary>Pages of [address, address + length) that the open unit does not hold yet (an upper bound of new pages).</summary>
    private int CountCleanPages(int address, int length)
    {
        if (length <= 0)
        {
            return 0;
        }

        var pageSize = Layout.PageSize;
        var count = 0;
        for (var page = address / pageSize; page <= (address + length - 1) / pageSize; page++)
        {
            if (!cache.IsDirty(page))
            {
                count++;
            }
        }

        return count;
    }

    private (int Runs, int Capacity, int Saved) ReadUndoHeader(NvmHandle log)
    {
        var header = View(log, 0, UndoHeaderSize);
        if (BinaryPrimitives.ReadUInt32BigEndian(header) != UndoMagic)
        {
            throw new NvmCorruptException($"root slot {UndoLogSlot} names block {log}, which is not an undo log");
        }

        return ((int)BinaryPrimitives.ReadUInt32BigEndian(header[4..]), (int)BinaryPrimitives.ReadUInt32BigEndian(header[8..]), (int)BinaryPrimitives.ReadUInt32BigEndian(header[12..]));
    }

    private static bool IsContentPage(ReadOnlySpan<byte> runs, int page)
    {
        int low = 0, high = (runs.Length / 8) - 1;
        while (low <= high)
        {
            var mid = (low + high) >>> 1;
            var first = (int)BinaryPrimitives.ReadUInt32BigEndian(runs[(mid * 8)..]);
            var count = (int)BinaryPrimitives.ReadUInt32BigEndian(runs[((mid * 8) + 4)..]);
            if (page < first)
            {
                high = mid - 1;
            }
            else if (page >= first + count)
            {
                low = mid + 1;
            }
            else
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsSaved(ReadOnlySpan<byte> directory, int page)
    {
        for (var i = 0; i < directory.Length; i += 4)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(directory[i..]) == (uint)page)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The content pages of the current view as ascending runs: the root page, and for every block header on the medium
    /// (free ones included, adjacent free blocks are separate headers there) the pages of the header and, for an
    /// allocated block, of its payload.
    /// </summary>
    private List<(int First, int Pages)> ContentPageRuns(IReadOnlyCollection<NvmHandle> excluded)
    {
        var skip = new HashSet<uint>(excluded.Select(h => h.Value - 1));
        var runs = new List<(int First, int Pages)>();
        var pageSize = Layout.PageSize;

        void Add(int fromAddress, int length)
        {
            var first = fromAddress / pageSize;
            var last = (fromAddress + length - 1) / pageSize;
            if (runs.Count > 0 && runs[^1].First + runs[^1].Pages >= first)
            {
                var (f, n) = runs[^1];
                runs[^1] = (f, Math.Max(n, last - f + 1));
            }
            else
            {
                runs.Add((first, last - first + 1));
            }
        }

        Add(NvmLayout.RootPage * pageSize, pageSize);
        Span<byte> header = stackalloc byte[BlockHeader.Size];
        uint at = 0;
        while (at < heap.TotalUnits)
        {
            cache.Read(UnitAddress(at), header);
            var (units, allocated, length) = BlockHeader.Read(header);
            Add(UnitAddress(at), BlockHeader.Size + (allocated && !skip.Contains(at) ? length : 0));
            at += units;
        }

        return runs;
    }
}

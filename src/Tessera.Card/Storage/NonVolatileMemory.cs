using System.Buffers.Binary;

namespace Tessera.Card.Storage;

/// <summary>
/// The card's transactional persistent heap, one instance per power cycle. Every mutation happens inside an atomic
/// unit (<see cref="BeginAtomic"/> … <see cref="CommitAtomic"/>/<see cref="AbortAtomic"/>): its changed pages stay
/// in RAM and reads see them; commit makes the whole unit durable through the redo journal (<see cref="RedoJournal"/>),
/// so a tear at any physical write leaves either all of the unit or none of it after the next <see cref="Mount"/>.
/// Inside a unit an applet may open one explicit transaction (no nesting). Not thread-safe: the card serialises access.
/// </summary>
public sealed partial class NonVolatileMemory
{
    public const int RootSlotCount = 16;

    private readonly PageStore store;
    private readonly PageCache cache;
    private readonly RedoJournal journal;
    private readonly HeapIndex heap;
    private readonly List<int> commitPages = [];
    private readonly int heapBase;
    private bool inAtomic;
    private bool inTransaction;
    private bool dirty;
    private bool dirtyAtTransactionBegin;
    private int heapMarkAtTransactionBegin;

    private NonVolatileMemory(PageStore store, NvmLayout layout)
    {
        this.store = store;
        Layout = layout;
        cache = new PageCache(store);
        journal = new RedoJournal(store, layout);
        heap = new HeapIndex((uint)((long)layout.HeapPages * layout.PageSize / HeapIndex.Unit));
        heapBase = layout.HeapStart * layout.PageSize;
    }

    public NvmLayout Layout { get; }

    /// <summary>Payload bytes the heap can give out in total (an empty heap is one free block of this size).</summary>
    public int Capacity => heap.Capacity;

    /// <summary>Payload bytes of the free blocks (current view, the open unit included).</summary>
    public int FreeBytes => heap.FreeBytes;

    /// <summary>Free blocks (each costs one 8-byte header): a fragmentation figure.</summary>
    public int FreeBlockCount => heap.FreeCount;

    /// <summary>The largest block <see cref="Allocate"/> could give now.</summary>
    public int LargestFreeBlock => heap.LargestFree;

    /// <summary>Physical page writes since this mount (power-on), recovery and a torn write included.</summary>
    public long PhysicalWrites => store.Writes;

    /// <summary>The most NVM pages one atomic unit may change (the journal's capacity).</summary>
    public int MaxUnitPages => journal.MaxPages;

    /// <summary>Pages that recovery rewrote during this mount (0 when the last unit had completed).</summary>
    public int RecoveredPages { get; private set; }

    /// <summary>Pages the last commit changed; it took <c>2 × pages + 1</c> physical writes (plus list pages for large units).</summary>
    public int LastCommitPageCount { get; private set; }

    public bool InAtomic => inAtomic;

    /// <summary>Any write, allocation, free or root change since <see cref="BeginAtomic"/>.</summary>
    public bool IsDirty => dirty;

    public bool InTransaction => inTransaction;

    /// <summary>Heap blocks that exist (current view), in address order.</summary>
    public IEnumerable<NvmHandle> AllocatedBlocks
    {
        get
        {
            RequirePowered();
            return Array.ConvertAll(heap.AllocatedStarts(), start => new NvmHandle(start + 1));
        }
    }

    /// <summary>
    /// Formats a fresh card: the volume header is cleared first and written last, so an interrupted format leaves a
    /// medium that <see cref="Mount"/> rejects as unformatted. Every other page is zeroed (written only if not zero).
    /// </summary>
    /// <param name="journalBytes">journal size; 0 for the default (96 KiB, at most a quarter of the medium).</param>
    public static NonVolatileMemory Format(INvmMedium medium, TearTrigger? tear = null, int journalBytes = 0)
    {
        ArgumentNullException.ThrowIfNull(medium);
        var layout = NvmLayout.Plan(medium.PageSize, medium.PageCount, journalBytes);
        var store = new PageStore(medium, tear);
        var zeros = new byte[layout.PageSize];
        for (var page = 0; page < layout.PageCount; page++)
        {
            if (medium.Page(page).ContainsAnyExcept((byte)0))
            {
                store.Write(page, zeros);
            }
        }

        var content = new byte[layout.PageSize];
        var nvm = new NonVolatileMemory(store, layout);
        BlockHeader.Write(content, nvm.heap.TotalUnits, allocated: false, 0);
        store.Write(layout.HeapStart, content);
        store.Flush();
        Array.Clear(content);
        layout.Write(content);
        store.Write(NvmLayout.VolumePage, content);
        store.Flush();
        nvm.RebuildIndex();
        return nvm;
    }

    /// <summary>
    /// Power-on: recovers the last atomic unit if its commit was interrupted, then opens the heap. Idempotent and itself
    /// tear-safe: a tear during recovery leaves the journal intact for the next mount. A clean mount writes nothing.
    /// The caller powers the <paramref name="tear"/> trigger on (<see cref="TearTrigger.PowerOn"/>) before mounting.
    /// </summary>
    /// <exception cref="NvmCorruptException">the medium holds no (consistent) NVM volume.</exception>
    public static NonVolatileMemory Mount(INvmMedium medium, TearTrigger? tear = null)
    {
        ArgumentNullException.ThrowIfNull(medium);
        var layout = NvmLayout.Read(medium.Page(NvmLayout.VolumePage))
            ?? throw new NvmCorruptException("the medium holds no Tessera NVM volume (never formatted, or its format was interrupted)");
        if (layout.PageSize != medium.PageSize || layout.PageCount != medium.PageCount
            || layout.JournalPages < NvmLayout.MinJournalPages || layout.HeapPages < NvmLayout.MinHeapPages)
        {
            throw new NvmCorruptException($"the NVM volume ({layout.PageCount} pages of {layout.PageSize} bytes, journal {layout.JournalPages} pages) does not match the medium ({medium.PageCount} pages of {medium.PageSize} bytes)");
        }

        var nvm = new NonVolatileMemory(new PageStore(medium, tear), layout);
        nvm.RecoveredPages = nvm.journal.Recover();
        nvm.RebuildIndex();
        return nvm;
    }

    public void BeginAtomic()
    {
        RequirePowered();
        if (inAtomic)
        {
            throw new InvalidOperationException("an atomic unit is already open");
        }

        inAtomic = true;
        dirty = false;
    }

    /// <summary>
    /// Makes the unit durable (an open transaction is aborted first). A unit that changed no byte writes nothing; one
    /// that changed K pages writes K journal pages, the commit page and the K pages (plus list pages when K is large).
    /// </summary>
    public void CommitAtomic()
    {
        RequireAtomic();
        if (inTransaction)
        {
            AbortTransaction();
        }

        RecordUndo();
        cache.CollectChanged(commitPages);
        LastCommitPageCount = commitPages.Count;
        if (commitPages.Count > 0)
        {
            journal.Commit(commitPages, cache);
        }

        cache.Clear();
        heap.ForgetChanges();
        EndAtomic();
    }

    /// <summary>Discards everything since <see cref="BeginAtomic"/>, allocations and frees included.</summary>
    public void AbortAtomic()
    {
        RequireAtomic();
        cache.Clear();
        if (indexRebuiltInUnit)
        {
            RebuildIndex();
        }
        else
        {
            heap.UndoTo(0);
        }

        EndAtomic();
    }

    /// <exception cref="TransactionException">a transaction is already open (<see cref="TransactionExceptionReason.InProgress"/>).</exception>
    public void BeginTransaction()
    {
        RequireAtomic();
        if (inTransaction)
        {
            throw new TransactionException(TransactionExceptionReason.InProgress, "a transaction is already in progress (transactions do not nest)");
        }

        cache.BeginSavepoint();
        inTransaction = true;
        dirtyAtTransactionBegin = dirty;
        heapMarkAtTransactionBegin = heap.Mark;
    }

    /// <summary>Keeps the transaction's changes in the atomic unit (they become durable when the unit commits).</summary>
    public void CommitTransaction()
    {
        RequireTransaction();
        cache.ReleaseSavepoint();
        inTransaction = false;
    }

    /// <summary>Undoes every change since <see cref="BeginTransaction"/>; earlier changes of the unit remain.</summary>
    public void AbortTransaction()
    {
        RequireTransaction();
        cache.RollbackSavepoint();
        inTransaction = false;
        dirty = dirtyAtTransactionBegin;
        heap.UndoTo(heapMarkAtTransactionBegin);
    }

    /// <summary>Allocates a zero-filled block of <paramref name="length"/> bytes.</summary>
    /// <exception cref="NvmFullException">no free block is large enough, or the unit would outgrow the journal; nothing changed.</exception>
    public NvmHandle Allocate(int length) => Allocate(length, zeroFill: true);

    private NvmHandle Allocate(int length, bool zeroFill)
    {
        RequireAtomic();
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var units = HeapIndex.UnitsFor(length);
        var index = units <= heap.TotalUnits ? heap.FindFit(units) : -1;
        if (index < 0)
        {
            throw new NvmFullException($"no free NVM block of {length} bytes (largest free block {heap.LargestFree} bytes, {heap.FreeBytes} bytes free in all)");
        }

        var extent = heap.FreeAt(index);
        var headerAt = UnitAddress(extent.Start);
        Span<byte> header = stackalloc byte[BlockHeader.Size];
        BlockHeader.Write(header, units, allocated: true, length);
        var restUnits = extent.Units - units;
        Span<byte> rest = stackalloc byte[BlockHeader.Size];
        BlockHeader.Write(rest, restUnits, allocated: false, 0);
        var restAt = UnitAddress(extent.Start + units);

        var last = -1;
        var pages = cache.CountNewPages(headerAt, header, ref last)
            + (zeroFill ? cache.CountNewPagesForZero(headerAt + BlockHeader.Size, length, ref last) : 0)
            + (restUnits > 0 ? cache.CountNewPages(restAt, rest, ref last) : 0);
        RequireJournalRoom(pages);

        cache.Write(headerAt, header);
        if (zeroFill)
        {
            cache.Zero(headerAt + BlockHeader.Size, length);
        }

        if (restUnits > 0)
        {
            cache.Write(restAt, rest);
        }

        heap.Allocate(index, units, length);
        dirty = true;
        return new NvmHandle(extent.Start + 1);
    }

    /// <summary>Frees a block (its bytes stay in NVM until the space is allocated again, which zero-fills it).</summary>
    public void Free(NvmHandle block)
    {
        RequireAtomic();
        RequireBlock(block);
        var plan = heap.PlanRelease(block.Value - 1);
        Span<byte> header = stackalloc byte[BlockHeader.Size];
        BlockHeader.Write(header, plan.Result.Units, allocated: false, 0);
        var at = UnitAddress(plan.Result.Start);
        var last = -1;
        RequireJournalRoom(cache.CountNewPages(at, header, ref last));
        cache.Write(at, header);
        heap.Release(plan);
        dirty = true;
    }

    public bool IsAllocated(NvmHandle block) => !block.IsNone && heap.TryGet(block.Value - 1, out _);

    public int LengthOf(NvmHandle block)
    {
        RequirePowered();
        return RequireBlock(block).Length;
    }

    public void Read(NvmHandle block, int offset, Span<byte> destination)
    {
        RequirePowered();
        RequireRange(RequireBlock(block), offset, destination.Length);
        cache.Read(PayloadAddress(block) + offset, destination);
    }

    /// <summary>
    /// The current bytes of a block without copying when possible. The view is live: use it before the next write,
    /// commit or abort (a range spanning several pages changed by the open unit comes back as a copy).
    /// </summary>
    public ReadOnlySpan<byte> View(NvmHandle block, int offset, int length)
    {
        RequirePowered();
        RequireRange(RequireBlock(block), offset, length);
        return cache.View(PayloadAddress(block) + offset, length);
    }

    /// <summary>The whole block; see <see cref="View(NvmHandle, int, int)"/>.</summary>
    public ReadOnlySpan<byte> View(NvmHandle block)
    {
        RequirePowered();
        return cache.View(PayloadAddress(block), RequireBlock(block).Length);
    }

    /// <summary>
    /// The committed bytes of a block as memory that stays valid after this call (a direct-reference view, SPEC §4.8):
    /// zero-copy on media that keep their pages in one array. It shows later commits, not the open unit's changes.
    /// </summary>
    public ReadOnlyMemory<byte> ViewCommitted(NvmHandle block, int offset, int length)
    {
        RequirePowered();
        RequireRange(RequireBlock(block), offset, length);
        return store.SliceMemory(PayloadAddress(block) + offset, length);
    }

    /// <exception cref="NvmFullException">the unit would outgrow the journal; nothing changed.</exception>
    public void Write(NvmHandle block, int offset, ReadOnlySpan<byte> source)
    {
        RequireAtomic();
        RequireRange(RequireBlock(block), offset, source.Length);
        var at = PayloadAddress(block) + offset;
        var last = -1;
        RequireJournalRoom(cache.CountNewPages(at, source, ref last));
        cache.Write(at, source);
        dirty = true;
    }

    public NvmHandle GetRoot(int slot)
    {
        RequirePowered();
        Span<byte> value = stackalloc byte[4];
        cache.Read(RootAddress(slot), value);
        return new NvmHandle(BinaryPrimitives.ReadUInt32BigEndian(value));
    }

    /// <summary>Sets a persistent root slot to an allocated block or to <see cref="NvmHandle.None"/>.</summary>
    public void SetRoot(int slot, NvmHandle block)
    {
        RequireAtomic();
        var at = RootAddress(slot);
        if (!block.IsNone)
        {
            RequireBlock(block);
        }

        Span<byte> value = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, block.Value);
        var last = -1;
        RequireJournalRoom(cache.CountNewPages(at, value, ref last));
        cache.Write(at, value);
        dirty = true;
    }

    private int UnitAddress(uint unit) => heapBase + (int)(unit * HeapIndex.Unit);

    // The payload follows the 8-byte header at unit Value - 1.
    private int PayloadAddress(NvmHandle block) => heapBase + (int)(block.Value * HeapIndex.Unit);

    private int RootAddress(int slot) =>
        (uint)slot < RootSlotCount
            ? (NvmLayout.RootPage * Layout.PageSize) + (slot * 4)
            : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"root slots are 0 to {RootSlotCount - 1}");

    private HeapBlock RequireBlock(NvmHandle block) =>
        !block.IsNone && heap.TryGet(block.Value - 1, out var found)
            ? found
            : throw new ArgumentException($"NVM block {block} is not allocated", nameof(block));

    private static void RequireRange(HeapBlock block, int offset, int length)
    {
        if (offset < 0 || length < 0 || offset > block.Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"{length} bytes at offset {offset} are outside a block of {block.Length} bytes");
        }
    }

    private void RequireJournalRoom(int newPages)
    {
        if (cache.Count + newPages > journal.MaxPages)
        {
            throw new NvmFullException($"the atomic unit would change {cache.Count + newPages} NVM pages; the journal takes at most {journal.MaxPages}");
        }
    }

    private void RequirePowered()
    {
        if (store.PoweredOff)
        {
            throw new InvalidOperationException("the NVM lost power (a tear); mount the medium again");
        }
    }

    private void RequireAtomic()
    {
        RequirePowered();
        if (!inAtomic)
        {
            throw new InvalidOperationException("NVM changes happen only inside an atomic unit (BeginAtomic)");
        }
    }

    private void RequireTransaction()
    {
        RequireAtomic();
        if (!inTransaction)
        {
            throw new TransactionException(TransactionExceptionReason.NotInProgress, "no transaction is in progress");
        }
    }

    private void EndAtomic()
    {
        indexRebuiltInUnit = false;
        inAtomic = false;
        inTransaction = false;
        dirty = false;
    }

    /// <summary>Builds the RAM heap index by walking the block headers in NVM (format and mount).</summary>
    private void RebuildIndex()
    {
        heap.Clear();
        Span<byte> header = stackalloc byte[BlockHeader.Size];
        uint at = 0;
        while (at < heap.TotalUnits)
        {
            cache.Read(UnitAddress(at), header);
            var (units, allocated, length) = BlockHeader.Read(header);
            if (units == 0 || units > heap.TotalUnits - at || (allocated ? HeapIndex.UnitsFor(length) > units : length != 0))
            {
                throw new NvmCorruptException($"the NVM heap block header at unit {at} is damaged ({Convert.ToHexString(header)})");
            }

            heap.AddScanned(at, units, allocated, length);
            at += units;
        }
    }
}

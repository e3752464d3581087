namespace Tessera.Card.Storage;

/// <summary>An allocated heap block in RAM: its size in 8-byte units (header included) and its payload length.</summary>
internal readonly record struct HeapBlock(uint Units, int Length);

/// <summary>A run of free heap units.</summary>
internal readonly record struct FreeExtent(uint Start, uint Units);

/// <summary>How freeing a block merges it with its free neighbours.</summary>
internal readonly record struct ReleasePlan(uint Block, int Position, bool MergePrevious, bool MergeNext, FreeExtent Result);

/// <summary>
/// The RAM index of the heap, built from the block headers in NVM at mount: allocated blocks by start unit, and the
/// free extents in address order for first-fit allocation. Every change is logged so that an abort (of the atomic
/// unit, or of the transaction back to its mark) undoes it in reverse order, without rescanning NVM.
/// </summary>
internal sealed class HeapIndex
{
    public const int Unit = BlockHeader.Size;

    private readonly Dictionary<uint, HeapBlock> allocated = [];
    private readonly List<FreeExtent> free = [];
    private readonly List<Change> changes = [];
    private long freeUnits;

    public HeapIndex(uint totalUnits)
    {
        TotalUnits = totalUnits;
    }

    public uint TotalUnits { get; }

    /// <summary>Payload bytes of the heap when it is one free block.</summary>
    public int Capacity => (int)(((long)TotalUnits * Unit) - BlockHeader.Size);

    /// <summary>Payload bytes of all free blocks (each free block pays for one header).</summary>
    public int FreeBytes => (int)((freeUnits * Unit) - ((long)free.Count * BlockHeader.Size));

    /// <summary>The largest length one allocation can get now.</summary>
    public int LargestFree
    {
        get
        {
            uint best = 0;
            foreach (var extent in free)
            {
                best = Math.Max(best, extent.Units);
            }

            return best == 0 ? 0 : (int)(((long)best * Unit) - BlockHeader.Size);
        }
    }

    public int AllocatedCount => allocated.Count;

    public int FreeCount => free.Count;

    /// <summary>A point of the change log to undo back to (<see cref="UndoTo"/>).</summary>
    public int Mark => changes.Count;

    /// <summary>Units of a block with <paramref name="length"/> payload bytes, or <see cref="uint.MaxValue"/> if absurd.</summary>
    public static uint UnitsFor(int length)
    {
        var units = ((long)length + BlockHeader.Size + Unit - 1) / Unit;
        return units > uint.MaxValue ? uint.MaxValue : (uint)units;
    }

    public bool TryGet(uint start, out HeapBlock block) => allocated.TryGetValue(start, out block);

    /// <summary>First fit: the index of the first free extent of at least <paramref name="units"/>, else -1.</summary>
    public int FindFit(uint units)
    {
        for (var i = 0; i < free.Count; i++)
        {
            if (free[i].Units >= units)
            {
                return i;
            }
        }

        return -1;
    }

    public FreeExtent FreeAt(int index) => free[index];

    /// <summary>Takes the front of free extent <paramref name="index"/> for a block.</summary>
    public void Allocate(int index, uint units, int length)
    {
        var extent = free[index];
        var block = new HeapBlock(units, length);
        allocated.Add(extent.Start, block);
        var consumed = extent.Units == units;
        if (consumed)
        {
            free.RemoveAt(index);
        }
        else
        {
            free[index] = new FreeExtent(extent.Start + units, extent.Units - units);
        }

        freeUnits -= units;
        changes.Add(new Change(false, extent.Start, block, index, consumed, false, extent, default));
    }

    public ReleasePlan PlanRelease(uint start)
    {
        var block = allocated[start];
        var position = FirstFreeAfter(start);
        var mergePrevious = position > 0 && free[position - 1].Start + free[position - 1].Units == start;
        var mergeNext = position < free.Count && start + block.Units == free[position].Start;
        var resultStart = mergePrevious ? free[position - 1].Start : start;
        var units = block.Units + (mergePrevious ? free[position - 1].Units : 0) + (mergeNext ? free[position].Units : 0);
        return new ReleasePlan(start, position, mergePrevious, mergeNext, new FreeExtent(resultStart, units));
    }

    public void Release(ReleasePlan plan)
    {
        allocated.Remove(plan.Block, out var block);
        freeUnits += block.Units;
        var previous = plan.MergePrevious ? free[plan.Position - 1] : default;
        var next = plan.MergeNext ? free[plan.Position] : default;
        changes.Add(new Change(true, plan.Block, block, plan.Position, plan.MergePrevious, plan.MergeNext, previous, next));
        if (plan.MergePrevious)
        {
            free[plan.Position - 1] = plan.Result;
            if (plan.MergeNext)
            {
                free.RemoveAt(plan.Position);
            }
        }
        else if (plan.MergeNext)
        {
            free[plan.Position] = plan.Result;
        }
        else
        {
            free.Insert(plan.Position, plan.Result);
        }
    }

    /// <summary>Undoes the changes made since <paramref name="mark"/>, newest first.</summary>
    public void UndoTo(int mark)
    {
        for (var i = changes.Count - 1; i >= mark; i--)
        {
            var change = changes[i];
            if (change.IsRelease)
            {
                if (change.FlagA)
                {
                    free[change.Position - 1] = change.ExtentA;
                    if (change.FlagB)
                    {
                        free.Insert(change.Position, change.ExtentB);
                    }
                }
                else if (change.FlagB)
                {
                    free[change.Position] = change.ExtentB;
                }
                else
                {
                    free.RemoveAt(change.Position);
                }

                allocated.Add(change.Start, change.Block);
                freeUnits -= change.Block.Units;
            }
            else
            {
                allocated.Remove(change.Start);
                if (change.FlagA)
                {
                    free.Insert(change.Position, change.ExtentA);
                }
                else
                {
                    free[change.Position] = change.ExtentA;
                }

                freeUnits += change.Block.Units;
            }
        }

        changes.RemoveRange(mark, changes.Count - mark);
    }

    /// <summary>The changes are committed: forget how to undo them.</summary>
    public void ForgetChanges() => changes.Clear();

    public void Clear()
    {
        allocated.Clear();
        free.Clear();
        changes.Clear();
        freeUnits = 0;
    }

    /// <summary>Adds the next block of a scan in address order (adjacent free blocks are merged in RAM).</summary>
    public void AddScanned(uint start, uint units, bool isAllocated, int length)
    {
        if (isAllocated)
        {
            allocated.Add(start, new HeapBlock(units, length));
            return;
        }

        freeUnits += units;
        if (free.Count > 0 && free[^1].Start + free[^1].Units == start)
        {
            free[^1] = new FreeExtent(free[^1].Start, free[^1].Units + units);
        }
        else
        {
            free.Add(new FreeExtent(start, units));
        }
    }

    /// <summary>Start units of the allocated blocks, ascending.</summary>
    public uint[] AllocatedStarts()
    {
        var starts = allocated.Keys.ToArray();
        Array.Sort(starts);
        return starts;
    }

    /// <summary>
    /// One logged change. Allocation: the extent it was cut from (<c>ExtentA</c>, at <c>Position</c>), <c>FlagA</c> when
    /// it was consumed whole. Release: <c>FlagA</c>/<c>FlagB</c> when it merged with the previous/next free extent, whose
    /// old values are <c>ExtentA</c>/<c>ExtentB</c>.
    /// </summary>
    private readonly record struct Change(bool IsRelease, uint Start, HeapBlock Block, int Position, bool FlagA, bool FlagB, FreeExtent ExtentA, FreeExtent ExtentB);

    private int FirstFreeAfter(uint start)
    {
        int low = 0, high = free.Count;
        while (low < high)
        {
            var mid = (low + high) >>> 1;
            if (free[mid].Start < start)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }

        return low;
    }
}

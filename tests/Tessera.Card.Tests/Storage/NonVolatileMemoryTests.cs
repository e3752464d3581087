using Tessera.Card.Storage;
using static Tessera.Card.Tests.Storage.NvmTestSupport;

namespace Tessera.Card.Tests.Storage;

public sealed class NonVolatileMemoryTests
{
    [Fact]
    public void AFreshVolumeIsOneFreeBlock()
    {
        var (medium, nvm) = Fresh();
        Assert.Equal(nvm.Capacity, nvm.FreeBytes);
        Assert.Equal(nvm.Capacity, nvm.LargestFreeBlock);
        Assert.Empty(nvm.AllocatedBlocks);
        Assert.All(Enumerable.Range(0, NonVolatileMemory.RootSlotCount), slot => Assert.True(nvm.GetRoot(slot).IsNone));
        Assert.InRange(nvm.Capacity, SmallMedium * 5 / 8, SmallMedium);

        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(nvm.Capacity, mounted.FreeBytes);
        Assert.Equal(0, mounted.PhysicalWrites);
    }

    [Fact]
    public void AllocateWriteReadFreeRoundTrip()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var small = nvm.Allocate(13);
        var large = nvm.Allocate(3000);
        Assert.Equal(13, nvm.LengthOf(small));
        Assert.Equal(3000, nvm.LengthOf(large));
        Assert.Equal(new byte[3000], ReadAll(nvm, large));
        var data = Pattern(2000, 1);
        nvm.Write(large, 500, data);
        nvm.Write(small, 0, "hello, world!"u8);
        nvm.SetRoot(0, large);
        nvm.SetRoot(7, small);

        // The unit reads its own writes, crossing page boundaries.
        Assert.Equal(data, ReadAll(nvm, large)[500..2500]);
        Assert.Equal(data.AsSpan(100, 700).ToArray(), nvm.View(large, 600, 700).ToArray());
        nvm.CommitAtomic();

        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(large, mounted.GetRoot(0));
        Assert.Equal(small, mounted.GetRoot(7));
        Assert.Equal("hello, world!"u8.ToArray(), ReadAll(mounted, small));
        var partial = new byte[10];
        mounted.Read(large, 495, partial);
        Assert.Equal(new byte[5].Concat(data[..5]), partial);
        Assert.Equal(data, mounted.View(large, 500, 2000).ToArray());
        AssertHeapAccountsForEverything(mounted);

        mounted.BeginAtomic();
        mounted.Free(small);
        mounted.Free(large);
        mounted.SetRoot(0, NvmHandle.None);
        mounted.SetRoot(7, NvmHandle.None);
        mounted.CommitAtomic();
        Assert.Equal(mounted.Capacity, mounted.FreeBytes);
        Assert.Equal(1, mounted.FreeBlockCount);
        Assert.Equal(mounted.Capacity, NonVolatileMemory.Mount(medium).FreeBytes);
    }

    [Fact]
    public void FreedSpaceComesBackZeroFilled()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var block = nvm.Allocate(1000);
        nvm.Write(block, 0, Enumerable.Repeat((byte)0xFF, 1000).ToArray());
        nvm.CommitAtomic();
        nvm.BeginAtomic();
        nvm.Free(block);
        nvm.CommitAtomic();
        nvm.BeginAtomic();
        var again = nvm.Allocate(900);
        Assert.Equal(block, again);
        Assert.Equal(new byte[900], ReadAll(nvm, again));
        nvm.CommitAtomic();
        Assert.Equal(new byte[900], ReadAll(nvm, again));
    }

    [Fact]
    public void FreeingMergesNeighboursWhateverTheOrder()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var blocks = Enumerable.Range(0, 12).Select(i => nvm.Allocate(100 + (i * 37))).ToArray();
        nvm.CommitAtomic();
        foreach (var i in new[] { 3, 5, 4, 0, 11, 1, 2, 7, 9, 8, 6, 10 })
        {
            nvm.BeginAtomic();
            nvm.Free(blocks[i]);
            nvm.CommitAtomic();
            AssertHeapAccountsForEverything(nvm);
            AssertHeapAccountsForEverything(NonVolatileMemory.Mount(medium));
        }

        Assert.Equal(nvm.Capacity, nvm.FreeBytes);
        Assert.Equal(1, NonVolatileMemory.Mount(medium).FreeBlockCount);
    }

    [Fact]
    public void NvmFullOnAllocateChangesNothingAndTheUnitGoesOn()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var kept = nvm.Allocate(100);
        nvm.Write(kept, 0, Pattern(100, 2));
        var free = nvm.FreeBytes;
        var blocks = nvm.AllocatedBlocks.ToArray();
        Assert.Throws<NvmFullException>(() => nvm.Allocate(nvm.Capacity));
        Assert.Throws<NvmFullException>(() => nvm.Allocate(int.MaxValue));
        Assert.Equal(free, nvm.FreeBytes);
        Assert.Equal(blocks, nvm.AllocatedBlocks);
        Assert.True(nvm.InAtomic);

        var exact = nvm.Allocate(nvm.LargestFreeBlock);
        Assert.Equal(0, nvm.FreeBytes);
        Assert.Throws<NvmFullException>(() => nvm.Allocate(0));
        nvm.Free(exact);
        nvm.CommitAtomic();

        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(Pattern(100, 2), ReadAll(mounted, kept));
        Assert.Equal(free, mounted.FreeBytes);
    }

    [Fact]
    public void AUnitLargerThanTheJournalIsRefusedWithoutChange()
    {
        var (medium, nvm) = Fresh();
        var journalBytes = nvm.MaxUnitPages * nvm.Layout.PageSize;
        nvm.BeginAtomic();
        var block = nvm.Allocate(journalBytes + 4096);
        var small = nvm.Allocate(10);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        nvm.Write(small, 0, Pattern(10, 3));
        var ex = Assert.Throws<NvmFullException>(() => nvm.Write(block, 0, Pattern(journalBytes + 4096, 4)));
        Assert.Contains("journal", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new byte[100], nvm.View(block, 0, 100).ToArray());

        // Half of it fits, in the same unit.
        nvm.Write(block, 0, Pattern(journalBytes / 2, 5));
        nvm.CommitAtomic();

        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(Pattern(10, 3), ReadAll(mounted, small));
        Assert.Equal(Pattern(journalBytes / 2, 5), mounted.View(block, 0, journalBytes / 2).ToArray());
        Assert.Equal(new byte[100], mounted.View(block, journalBytes / 2, 100).ToArray());
    }

    [Fact]
    public void A64KibLoadBlockWithMetadataFitsOneUnitOfADefaultCard()
    {
        var medium = new MemoryMedium(1024 * 1024);
        var nvm = NonVolatileMemory.Format(medium);
        nvm.BeginAtomic();
        var registry = nvm.Allocate(300);
        nvm.SetRoot(1, registry);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        var load = nvm.Allocate(64 * 1024);
        nvm.Write(load, 0, Pattern(64 * 1024, 6));
        var descriptor = nvm.Allocate(5000);
        nvm.Write(descriptor, 0, Pattern(5000, 7));
        nvm.Write(registry, 0, Pattern(300, 8));
        nvm.SetRoot(2, load);
        nvm.CommitAtomic();
        Assert.InRange(nvm.LastCommitPageCount, 275, nvm.MaxUnitPages);

        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(Pattern(64 * 1024, 6), ReadAll(mounted, mounted.GetRoot(2)));
        Assert.Equal(Pattern(5000, 7), ReadAll(mounted, descriptor));
        Assert.Equal(Pattern(300, 8), ReadAll(mounted, registry));
    }

    [Fact]
    public void AbortDiscardsWritesAllocationsFreesAndRoots()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(500);
        var b = nvm.Allocate(500);
        nvm.Write(a, 0, Pattern(500, 9));
        nvm.SetRoot(0, a);
        nvm.CommitAtomic();
        var before = ExactDump(nvm);
        var writes = nvm.PhysicalWrites;

        nvm.BeginAtomic();
        nvm.Write(a, 100, Pattern(300, 10));
        var c = nvm.Allocate(2000);
        nvm.Free(b);
        nvm.Write(c, 0, Pattern(2000, 11));
        nvm.SetRoot(0, c);
        nvm.SetRoot(1, a);
        Assert.True(nvm.IsDirty);
        nvm.AbortAtomic();

        Assert.False(nvm.InAtomic);
        Assert.Equal(before, ExactDump(nvm));
        Assert.Equal(writes, nvm.PhysicalWrites);
        Assert.Equal(before, ExactDump(NonVolatileMemory.Mount(medium)));

        // The heap index is usable again: the same allocation lands where the aborted one did.
        nvm.BeginAtomic();
        Assert.Equal(c, nvm.Allocate(2000));
        nvm.CommitAtomic();
    }

    [Fact]
    public void ChangesOutsideAnAtomicUnitAreRefused()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var block = nvm.Allocate(10);
        nvm.CommitAtomic();

        Assert.Throws<InvalidOperationException>(() => nvm.Allocate(10));
        Assert.Throws<InvalidOperationException>(() => nvm.Write(block, 0, [1]));
        Assert.Throws<InvalidOperationException>(() => nvm.Free(block));
        Assert.Throws<InvalidOperationException>(() => nvm.SetRoot(0, block));
        Assert.Throws<InvalidOperationException>(nvm.CommitAtomic);
        Assert.Throws<InvalidOperationException>(nvm.AbortAtomic);
        Assert.Throws<InvalidOperationException>(nvm.BeginTransaction);
        nvm.BeginAtomic();
        Assert.Throws<InvalidOperationException>(nvm.BeginAtomic);
        nvm.AbortAtomic();
    }

    [Fact]
    public void BadHandlesAndRangesAreRefused()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var block = nvm.Allocate(100);
        Assert.Throws<ArgumentException>(() => nvm.LengthOf(NvmHandle.None));
        Assert.Throws<ArgumentException>(() => nvm.LengthOf(new NvmHandle(block.Value + 1)));
        Assert.Throws<ArgumentException>(() => nvm.SetRoot(0, new NvmHandle(12345)));
        Assert.Throws<ArgumentOutOfRangeException>(() => nvm.Write(block, 99, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => nvm.Read(block, -1, new byte[2]));
        Assert.Throws<ArgumentOutOfRangeException>(() => nvm.GetRoot(NonVolatileMemory.RootSlotCount));
        Assert.Throws<ArgumentOutOfRangeException>(() => nvm.Allocate(-1));
        nvm.Free(block);
        Assert.Throws<ArgumentException>(() => nvm.Free(block));
        Assert.False(nvm.IsAllocated(block));
        nvm.CommitAtomic();
    }

    [Fact]
    public void TransactionCommitKeepsAndAbortUndoesOnlyItsOwnChanges()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(600);
        var b = nvm.Allocate(40);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        nvm.Write(a, 0, Pattern(300, 12));
        nvm.BeginTransaction();
        Assert.True(nvm.InTransaction);
        nvm.Write(a, 200, Pattern(300, 13));
        nvm.CommitTransaction();
        Assert.False(nvm.InTransaction);

        var afterFirst = ReadAll(nvm, a);
        var freeBefore = nvm.FreeBytes;
        nvm.BeginTransaction();
        nvm.Write(a, 0, Pattern(600, 14));
        var c = nvm.Allocate(5000);
        nvm.Free(b);
        nvm.Write(c, 0, Pattern(5000, 15));
        nvm.SetRoot(3, c);
        nvm.AbortTransaction();

        Assert.Equal(afterFirst, ReadAll(nvm, a));
        Assert.True(nvm.IsAllocated(b));
        Assert.False(nvm.IsAllocated(c));
        Assert.True(nvm.GetRoot(3).IsNone);
        Assert.Equal(freeBefore, nvm.FreeBytes);
        Assert.True(nvm.IsDirty);
        nvm.CommitAtomic();

        var mounted = NonVolatileMemory.Mount(medium);
        var expected = new byte[600];
        Pattern(300, 12).CopyTo(expected, 0);
        Pattern(300, 13).CopyTo(expected, 200);
        Assert.Equal(expected, ReadAll(mounted, a));
        Assert.Equal(2, mounted.AllocatedBlocks.Count());
    }

    [Fact]
    public void AbortedTransactionAloneLeavesTheUnitClean()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(10);
        nvm.CommitAtomic();
        var writes = nvm.PhysicalWrites;

        nvm.BeginAtomic();
        nvm.BeginTransaction();
        nvm.Write(a, 0, [1, 2, 3]);
        nvm.AbortTransaction();
        Assert.False(nvm.IsDirty);
        nvm.CommitAtomic();
        Assert.Equal(writes, nvm.PhysicalWrites);
    }

    [Fact]
    public void TransactionsDoNotNest()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        Assert.Equal(TransactionExceptionReason.NotInProgress, Assert.Throws<TransactionException>(nvm.CommitTransaction).Reason);
        Assert.Equal(TransactionExceptionReason.NotInProgress, Assert.Throws<TransactionException>(nvm.AbortTransaction).Reason);
        nvm.BeginTransaction();
        Assert.Equal(TransactionExceptionReason.InProgress, Assert.Throws<TransactionException>(nvm.BeginTransaction).Reason);
        Assert.True(nvm.InTransaction);
        nvm.CommitTransaction();
        nvm.BeginTransaction();
        nvm.AbortTransaction();
        nvm.CommitAtomic();
    }

    [Fact]
    public void CommittingTheUnitWithAnOpenTransactionAbortsTheTransaction()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(100);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        nvm.Write(a, 0, [9, 9]);
        nvm.BeginTransaction();
        nvm.Write(a, 50, [7, 7, 7]);
        var b = nvm.Allocate(20);
        nvm.CommitAtomic();

        Assert.False(nvm.InTransaction);
        var mounted = NonVolatileMemory.Mount(medium);
        var expected = new byte[100];
        expected[0] = 9;
        expected[1] = 9;
        Assert.Equal(expected, ReadAll(mounted, a));
        Assert.False(mounted.IsAllocated(b));
        Assert.Single(mounted.AllocatedBlocks);
    }

    [Fact]
    public void AbortingTheUnitEndsItsTransaction()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        nvm.BeginTransaction();
        nvm.Allocate(100);
        nvm.AbortAtomic();
        Assert.False(nvm.InTransaction);
        Assert.Empty(nvm.AllocatedBlocks);
        nvm.BeginAtomic();
        nvm.BeginTransaction();
        nvm.CommitTransaction();
        nvm.CommitAtomic();
    }

    [Fact]
    public void AUnitThatChangesNoByteWritesNothing()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(100);
        nvm.Write(a, 0, Pattern(100, 16));
        nvm.CommitAtomic();
        var writes = nvm.PhysicalWrites;

        nvm.BeginAtomic();
        Assert.False(nvm.IsDirty);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        nvm.Write(a, 0, Pattern(100, 16));
        Assert.True(nvm.IsDirty);
        nvm.CommitAtomic();

        nvm.BeginAtomic();
        nvm.Write(a, 10, [0xAB]);
        nvm.Write(a, 10, Pattern(100, 16).AsSpan(10, 1));
        nvm.CommitAtomic();

        Assert.Equal(writes, nvm.PhysicalWrites);
        Assert.Equal(0, nvm.LastCommitPageCount);
    }

    [Fact]
    public void AOnePageUpdateTakesThreePhysicalWrites()
    {
        var (_, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(1000);
        nvm.CommitAtomic();

        // 64 bytes inside one page (the payload starts 8 bytes into its block).
        var offset = nvm.Layout.PageSize - 8 - 0;
        var writes = nvm.PhysicalWrites;
        nvm.BeginAtomic();
        nvm.Write(a, offset, Pattern(64, 17));
        nvm.CommitAtomic();
        Assert.Equal(1, nvm.LastCommitPageCount);
        Assert.Equal(3, nvm.PhysicalWrites - writes);

        // Straddling a page boundary: two pages, five writes.
        writes = nvm.PhysicalWrites;
        nvm.BeginAtomic();
        nvm.Write(a, offset - 32, Pattern(64, 18));
        nvm.CommitAtomic();
        Assert.Equal(5, nvm.PhysicalWrites - writes);
    }

    [Fact]
    public void MountIsIdempotentAndACleanMountWritesNothing()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(700);
        nvm.Write(a, 0, Pattern(700, 19));
        nvm.SetRoot(5, a);
        nvm.CommitAtomic();
        var image = medium.Contents.ToArray();

        for (var i = 0; i < 3; i++)
        {
            var mounted = NonVolatileMemory.Mount(medium);
            Assert.Equal(0, mounted.PhysicalWrites);
            Assert.Equal(0, mounted.RecoveredPages);
            Assert.Equal(ExactDump(nvm), ExactDump(mounted));
        }

        Assert.Equal(image, medium.Contents.ToArray());
    }

    [Fact]
    public void UnformattedMediaAreRejected()
    {
        var medium = new MemoryMedium(SmallMedium);
        Assert.Throws<NvmCorruptException>(() => NonVolatileMemory.Mount(medium));

        var other = new MemoryMedium(SmallMedium, 512);
        NonVolatileMemory.Format(other);
        var copy = MemoryMedium.FromImage(other.Contents, 256);
        Assert.Throws<NvmCorruptException>(() => NonVolatileMemory.Mount(copy));
    }

    [Fact]
    public void ReformattingWipesEverything()
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var a = nvm.Allocate(5000);
        nvm.Write(a, 0, Pattern(5000, 20));
        nvm.SetRoot(0, a);
        nvm.CommitAtomic();

        var formatted = NonVolatileMemory.Format(medium);
        Assert.Empty(formatted.AllocatedBlocks);
        Assert.True(NonVolatileMemory.Mount(medium).GetRoot(0).IsNone);
        Assert.Equal(formatted.Capacity, NonVolatileMemory.Mount(medium).FreeBytes);
        Assert.True(medium.Contents.IndexOf(Pattern(5000, 20).AsSpan(0, 16)) < 0, "old content survived the format");
    }

    [Theory]
    [InlineData(64 * 1024, 64)]
    [InlineData(64 * 1024, 4096)]
    [InlineData(300 * 1024, 256)]
    [InlineData(1024 * 1024, 1024)]
    public void EveryGeometryWorks(int totalBytes, int pageSize)
    {
        var medium = new MemoryMedium(totalBytes, pageSize);
        var nvm = NonVolatileMemory.Format(medium);
        var length = Math.Min(nvm.MaxUnitPages * pageSize / 2, nvm.Capacity / 2);
        nvm.BeginAtomic();
        var a = nvm.Allocate(length);
        nvm.Write(a, 0, Pattern(length, 21));
        nvm.SetRoot(NonVolatileMemory.UndoLogSlot - 1, a);
        nvm.CommitAtomic();
        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(Pattern(length, 21), ReadAll(mounted, mounted.GetRoot(NonVolatileMemory.UndoLogSlot - 1)));
    }

    [Fact]
    public void RandomOperationsMatchAModelAcrossAbortsTransactionsAndRemounts()
    {
        var medium = new MemoryMedium(SmallMedium, 128);
        var nvm = NonVolatileMemory.Format(medium);
        var random = new Random(4242);
        var model = new Dictionary<NvmHandle, byte[]>();
        for (var unit = 0; unit < 600; unit++)
        {
            nvm.BeginAtomic();
            var working = Copy(model);
            Dictionary<NvmHandle, byte[]>? transactionStart = null;
            for (var op = random.Next(1, 8); op > 0; op--)
            {
                var choice = random.Next(12);
                if (choice < 3 || working.Count == 0)
                {
                    var length = random.Next(4) == 0 ? random.Next(1000, 6000) : random.Next(0, 300);
                    try
                    {
                        var block = nvm.Allocate(length);
                        working.Add(block, new byte[length]);
                    }
                    catch (NvmFullException)
                    {
                        Assert.True(length > nvm.LargestFreeBlock || nvm.MaxUnitPages < 60);
                    }
                }
                else if (choice < 5)
                {
                    var block = working.Keys.ElementAt(random.Next(working.Count));
                    nvm.Free(block);
                    working.Remove(block);
                }
                else if (choice < 9)
                {
                    var (block, bytes) = working.ElementAt(random.Next(working.Count));
                    if (bytes.Length == 0)
                    {
                        continue;
                    }

                    var offset = random.Next(bytes.Length);
                    var data = Pattern(random.Next(1, bytes.Length - offset + 1), random.Next());
                    nvm.Write(block, offset, data);
                    data.CopyTo(bytes, offset);
                }
                else if (transactionStart is null)
                {
                    nvm.BeginTransaction();
                    transactionStart = Copy(working);
                }
                else if (choice == 9)
                {
                    nvm.CommitTransaction();
                    transactionStart = null;
                }
                else
                {
                    nvm.AbortTransaction();
                    working = transactionStart;
                    transactionStart = null;
                }

                Assert.Equal(working.Keys.Order(), nvm.AllocatedBlocks);
            }

            if (random.Next(8) == 0)
            {
                nvm.AbortAtomic();
            }
            else
            {
                nvm.CommitAtomic();
                model = transactionStart ?? working;
            }

            // The RAM index after commit or abort is exactly what a fresh mount builds from NVM.
            var mounted = NonVolatileMemory.Mount(medium);
            Assert.Equal(ExactDump(mounted), ExactDump(nvm));
            Assert.Equal(mounted.FreeBlockCount, nvm.FreeBlockCount);
            Assert.Equal(mounted.LargestFreeBlock, nvm.LargestFreeBlock);
            AssertHeapAccountsForEverything(nvm);
            if (unit % 50 == 0)
            {
                nvm = mounted;
            }

            Assert.Equal(model.Keys.Order(), nvm.AllocatedBlocks);
            foreach (var (block, bytes) in model)
            {
                Assert.Equal(bytes, ReadAll(nvm, block));
            }
        }

        static Dictionary<NvmHandle, byte[]> Copy(Dictionary<NvmHandle, byte[]> blocks) =>
            blocks.ToDictionary(kv => kv.Key, kv => (byte[])kv.Value.Clone());
    }

    [Fact]
    public void SteadyStateUpdatesAllocateNothing()
    {
        var (_, nvm) = Fresh(1024 * 1024);
        nvm.BeginAtomic();
        var record = nvm.Allocate(4096);
        nvm.CommitAtomic();
        var data = new byte[64];
        var destination = new byte[64];

        void Run(int count)
        {
            for (var i = 0; i < count; i++)
            {
                data[i % 64]++;
                nvm.BeginAtomic();
                nvm.Write(record, i * 64 % 4032, data);
                nvm.CommitAtomic();
                nvm.Read(record, 0, destination);
                _ = nvm.View(record, 128, 64);
            }
        }

        Run(200);
        var before = GC.GetAllocatedBytesForCurrentThread();
        Run(1000);

        // Any per-update allocation would cost at least 24 bytes × 1000; a few hundred bytes of one-off runtime work
        // (tiered JIT recompiling the loop while it runs) is tolerated.
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 8_000, $"1000 steady-state updates allocated {allocated} bytes");
    }

    [Fact]
    public void ADefaultCardStaysWithinItsRamBudget()
    {
        // Warm up the code paths so that only the card's own allocations are measured.
        Exercise(new MemoryMedium(1024 * 1024));
        var before = GC.GetAllocatedBytesForCurrentThread();
        Exercise(new MemoryMedium(1024 * 1024));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 1536 * 1024, $"a 1 MiB card allocated {allocated} bytes");

        static void Exercise(MemoryMedium medium)
        {
            NonVolatileMemory.Format(medium);
            var nvm = NonVolatileMemory.Mount(medium);
            nvm.BeginAtomic();
            var blocks = Enumerable.Range(0, 50).Select(i => nvm.Allocate(200)).ToArray();
            nvm.CommitAtomic();
            for (var i = 0; i < 500; i++)
            {
                nvm.BeginAtomic();
                nvm.Write(blocks[i % 50], 0, [(byte)i]);
                nvm.CommitAtomic();
            }
        }
    }
}

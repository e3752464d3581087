using Tessera.Card.Storage;
using static Tessera.Card.Tests.Storage.NvmTestSupport;

namespace Tessera.Card.Tests.Storage;

/// <summary>The undo log behind CLEAR ISSUANCE: many units later, one restore gives back the exact earlier heap.</summary>
public sealed class UndoLogTests
{
    [Theory]
    [InlineData(1, 256)]
    [InlineData(2, 64)]
    [InlineData(3, 1024)]
    public void Restoring_gives_back_the_exact_state_of_before_after_many_units_of_allocations_frees_and_writes(int seed, int pageSize)
    {
        var (medium, nvm) = Fresh(SmallMedium, pageSize);
        var random = new Random(seed);
        var live = new List<NvmHandle>();
        Unit(nvm, () =>
        {
            for (var i = 0; i < 12; i++)
            {
                var block = nvm.Allocate(random.Next(1, 900));
                nvm.Write(block, 0, Pattern(nvm.LengthOf(block), random.Next()));
                live.Add(block);
            }

            nvm.SetRoot(0, live[0]);
            nvm.SetRoot(3, live[5]);
        });
        Unit(nvm, () => nvm.Free(live[7]));
        var before = ExactDump(nvm);

        Unit(nvm, () => nvm.BeginUndoLog());
        for (var unit = 0; unit < 40; unit++)
        {
            Unit(nvm, () =>
            {
                switch (random.Next(4))
                {
                    case 0:
                        var fresh = nvm.Allocate(random.Next(1, 3000));
                        nvm.Write(fresh, 0, Pattern(nvm.LengthOf(fresh), random.Next()));
                        nvm.SetRoot(random.Next(0, 8), fresh);
                        break;
                    case 1:
                        var victim = nvm.AllocatedBlocks.Where(b => b != nvm.GetRoot(NonVolatileMemory.UndoLogSlot)).ToList();
                        if (victim.Count > 0)
                        {
                            var block = victim[random.Next(victim.Count)];
                            for (var slot = 0; slot < NonVolatileMemory.UndoLogSlot; slot++)
                            {
                                if (nvm.GetRoot(slot) == block)
                                {
                                    nvm.SetRoot(slot, NvmHandle.None);
                                }
                            }

                            nvm.Free(block);
                        }

                        break;
                    default:
                        var target = live[random.Next(live.Count)];
                        if (nvm.IsAllocated(target))
                        {
                            var length = nvm.LengthOf(target);
                            var at = random.Next(length);
                            nvm.Write(target, at, Pattern(Math.Min(length - at, random.Next(1, 400)), random.Next()));
                        }

                        break;
                }
            });
        }

        Assert.NotEqual(before, ExactDump(nvm));
        Assert.True(nvm.UndoLogUsage.Saved > 0);

        // Restore in one unit; the restored heap is also what the next power-on finds.
        Unit(nvm, nvm.RestoreUndoLog);
        Assert.Equal(before, ExactDump(nvm));
        Assert.False(nvm.UndoLogActive);
        Assert.Equal(before, ExactDump(NonVolatileMemory.Mount(medium)));
    }

    [Fact]
    public void Excluded_blocks_are_not_restored_and_pages_saved_at_once_stay_writable_when_the_log_is_full()
    {
        var medium = new MemoryMedium(SmallMedium);
        var nvm = NonVolatileMemory.Format(medium, journalBytes: 16 * 1024);
        var blocks = new List<NvmHandle>();
        for (var i = 0; i < 6; i++)
        {
            Unit(nvm, () => blocks.Add(nvm.Allocate(4000)));
        }

        var counter = NvmHandle.None;
        var script = NvmHandle.None;
        Unit(nvm, () =>
        {
            counter = nvm.Allocate(16);
            script = nvm.Allocate(6000);
        });
        Unit(nvm, () => nvm.BeginUndoLog([script], [counter]));

        // The log is full once a unit changes more earlier content than it can restore; the counter still moves.
        nvm.BeginAtomic();
        foreach (var block in blocks.Take(3))
        {
            nvm.Write(block, 0, Pattern(4000, 3));
        }

        Assert.Throws<NvmFullException>(nvm.CommitAtomic);
        nvm.AbortAtomic();
        Unit(nvm, () => nvm.Write(counter, 0, Pattern(16, 4)));

        // The excluded block's bytes are not saved (a 6000-byte rewrite costs the log nothing) nor restored.
        var (savedBefore, _) = nvm.UndoLogUsage;
        Unit(nvm, () => nvm.Write(script, 0, Pattern(6000, 5)));
        Assert.True(nvm.UndoLogUsage.Saved - savedBefore <= 2, "only pages shared with other content are saved");
        Unit(nvm, nvm.RestoreUndoLog);
        Assert.Equal(new byte[16], ReadAll(nvm, counter));
        Assert.Equal(Pattern(6000, 5).AsSpan(512, 5000).ToArray(), ReadAll(nvm, script).AsSpan(512, 5000).ToArray()); // pages shared with other content are restored
    }

    [Fact]
    public void Discarding_keeps_every_change_and_frees_the_log()
    {
        var (medium, nvm) = Fresh();
        var free = nvm.FreeBytes;
        Unit(nvm, () => nvm.BeginUndoLog());
        var block = NvmHandle.None;
        Unit(nvm, () =>
        {
            block = nvm.Allocate(100);
            nvm.Write(block, 0, Pattern(100, 1));
            nvm.SetRoot(2, block);
        });
        Unit(nvm, nvm.DiscardUndoLog);
        Assert.False(nvm.UndoLogActive);
        var mounted = NonVolatileMemory.Mount(medium);
        Assert.Equal(Pattern(100, 1), ReadAll(mounted, mounted.GetRoot(2)));
        Assert.Equal(block, mounted.GetRoot(2));
        Assert.Equal([block], mounted.AllocatedBlocks);
        Assert.True(mounted.FreeBytes < free);
    }

    [Fact]
    public void A_unit_that_would_change_more_earlier_content_than_the_log_can_restore_fails_and_changes_nothing()
    {
        var medium = new MemoryMedium(SmallMedium);
        var nvm = NonVolatileMemory.Format(medium, journalBytes: 16 * 1024);
        var blocks = new List<NvmHandle>();
        for (var i = 0; i < 6; i++)
        {
            Unit(nvm, () => blocks.Add(nvm.Allocate(4000)));
        }

        Unit(nvm, () => nvm.BeginUndoLog());
        var (_, capacity) = nvm.UndoLogUsage;
        Assert.True(capacity < 6 * 4000 / 256, $"capacity {capacity}");
        var before = ExactDump(nvm);

        nvm.BeginAtomic();
        foreach (var block in blocks.Take(2))
        {
            nvm.Write(block, 0, Pattern(4000, 9));
        }

        Assert.Throws<NvmFullException>(nvm.CommitAtomic);
        nvm.AbortAtomic();
        Assert.Equal(before, ExactDump(nvm));
        Assert.Equal(before, ExactDump(NonVolatileMemory.Mount(medium)));
    }

    private static void Unit(NonVolatileMemory nvm, Action action)
    {
        nvm.BeginAtomic();
        action();
        nvm.CommitAtomic();
    }
}

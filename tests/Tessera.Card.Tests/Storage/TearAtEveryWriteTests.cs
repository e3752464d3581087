using Tessera.Card.Storage;
using static Tessera.Card.Tests.Storage.NvmTestSupport;

namespace Tessera.Card.Tests.Storage;

/// <summary>
/// SPEC §1.1 at the storage level: the workload is run once to count its physical writes W, then again for every k in
/// 1..W with a tear at write k. After recovery the NVM must hold exactly the state after the units committed before
/// the torn one (tear before its commit point), or including it (tear after it), and it must go on working.
/// </summary>
public sealed class TearAtEveryWriteTests
{
    private static readonly Lazy<Reference> ReferenceRun = new(RunReference);

    [Fact]
    public void TheWorkloadIsLargeEnough()
    {
        var reference = ReferenceRun.Value;
        Assert.True(StorageWorkload.Units.Count >= 50, $"{StorageWorkload.Units.Count} units");
        Assert.True(reference.Units.Count(u => u.End > u.Start) >= 45, "most units write");
        Assert.Contains(reference.Units, u => u.Pages > 80);
        Assert.True(reference.TotalWrites > 500, $"W = {reference.TotalWrites}");
    }

    [Fact]
    public void EveryTearLeavesAPrefixOfTheUnits()
    {
        var reference = ReferenceRun.Value;
        for (var k = 1L; k <= reference.TotalWrites; k++)
        {
            var (medium, unit) = RunUntilTear(reference, k, PatternFor(k));
            var recovered = NonVolatileMemory.Mount(medium);
            var after = CheckRecovered(reference, recovered, unit, k);
            AssertHeapAccountsForEverything(recovered);

            // Idempotent: mounting again writes nothing and changes nothing.
            var again = NonVolatileMemory.Mount(medium);
            Assert.Equal(0, again.PhysicalWrites);
            Assert.Equal(ExactDump(recovered), ExactDump(again));

            // The card goes on: the rest of the workload ends in the reference end state.
            var model = (after ? reference.Models[unit + 1] : reference.Models[unit]).Clone();
            for (var u = after ? unit + 1 : unit; u < StorageWorkload.Units.Count; u++)
            {
                model = StorageWorkload.Run(again, model, StorageWorkload.Units[u]);
            }

            Assert.Equal(reference.Exact[^1], ExactDump(again));
        }
    }

    [Fact]
    public void ATearDuringRecoveryIsRecoveredByTheNextMount()
    {
        var reference = ReferenceRun.Value;
        var checkedRecoveries = 0;
        for (var k = 1L; k <= reference.TotalWrites; k++)
        {
            var (medium, unit) = RunUntilTear(reference, k, PatternFor(k));
            var torn = medium.Contents.ToArray();
            var recoveryWrites = NonVolatileMemory.Mount(MemoryMedium.FromImage(torn)).PhysicalWrites;
            for (var j = 1; j <= recoveryWrites; j++)
            {
                var copy = MemoryMedium.FromImage(torn);
                var tear = new TearTrigger { Pattern = PatternFor(k + j) };
                tear.ArmAtWrite(j, seed: (int)(k * 1000) + j);
                tear.PowerOn();
                Assert.Throws<CardTornException>(() => NonVolatileMemory.Mount(copy, tear));

                var recovered = NonVolatileMemory.Mount(copy);
                Assert.True(CheckRecovered(reference, recovered, unit, k), "a replayed unit must be complete");
                checkedRecoveries++;
            }
        }

        Assert.True(checkedRecoveries > 100, $"only {checkedRecoveries} recoveries were torn");
    }

    private static TearPattern PatternFor(long k) => (k % 3) switch
    {
        0 => TearPattern.KeepOld,
        1 => TearPattern.Garbage,
        _ => TearPattern.Random,
    };

    /// <summary>Checks the recovered state against the reference; returns true when it includes the torn unit.</summary>
    private static bool CheckRecovered(Reference reference, NonVolatileMemory recovered, int unit, long k)
    {
        var stats = reference.Units[unit];
        var commitPoint = stats.End - stats.Pages;
        // The exact dump (handles, bytes, free space) of the reference run; the reference run checked each of them
        // against the independent model, so equality here means equality with the model too.
        var exact = ExactDump(recovered);
        var isBefore = exact == reference.Exact[unit];
        var isAfter = exact == reference.Exact[unit + 1];
        Assert.True(isBefore || isAfter, $"tear at write {k} in unit {unit} ({StorageWorkload.Units[unit].Name}): the NVM is neither before nor after the unit");
        if (k < commitPoint)
        {
            Assert.True(isBefore, $"tear at write {k}, before the commit point {commitPoint} of unit {unit}: the unit must be absent");
        }
        else if (k > commitPoint)
        {
            Assert.True(isAfter, $"tear at write {k}, after the commit point {commitPoint} of unit {unit}: the unit must be complete");
        }

        return isAfter && !isBefore;
    }

    private static (MemoryMedium Medium, int Unit) RunUntilTear(Reference reference, long k, TearPattern pattern)
    {
        var medium = MemoryMedium.FromImage(reference.FormattedImage);
        var tear = new TearTrigger { Pattern = pattern };
        tear.ArmAtWrite(k, seed: (int)k);
        tear.PowerOn();
        var nvm = NonVolatileMemory.Mount(medium, tear);
        var model = reference.Models[0].Clone();
        for (var u = 0; u < StorageWorkload.Units.Count; u++)
        {
            try
            {
                model = StorageWorkload.Run(nvm, model, StorageWorkload.Units[u]);
            }
            catch (CardTornException e)
            {
                Assert.Equal(k, e.WriteNumber);
                Assert.Equal(k, tear.LastTear?.WriteNumber);
                Assert.True(e.BytesWritten < medium.PageSize);
                Assert.InRange(k, reference.Units[u].Start + 1, reference.Units[u].End);
                Assert.Throws<InvalidOperationException>(() => nvm.BeginAtomic());
                return (medium, u);
            }
        }

        Assert.Fail($"no tear at write {k}");
        return default;
    }

    private static Reference RunReference()
    {
        var medium = new MemoryMedium(SmallMedium);
        NonVolatileMemory.Format(medium);
        var formatted = medium.Contents.ToArray();
        var tear = new TearTrigger();
        tear.PowerOn();
        var nvm = NonVolatileMemory.Mount(medium, tear);
        var models = new List<StorageModel> { new() };
        var exact = new List<string> { ExactDump(nvm) };
        var units = new List<(long Start, long End, int Pages)>();
        foreach (var unit in StorageWorkload.Units)
        {
            var start = nvm.PhysicalWrites;
            var model = StorageWorkload.Run(nvm, models[^1], unit);
            units.Add((start, nvm.PhysicalWrites, nvm.PhysicalWrites == start ? 0 : nvm.LastCommitPageCount));
            models.Add(model.Clone());
            exact.Add(ExactDump(nvm));

            // The NVM agrees with the independent model after every unit, and a remount sees the same.
            Assert.Equal(model.ContentDump(), ContentDump(nvm));
            Assert.Equal(exact[^1], ExactDump(NonVolatileMemory.Mount(MemoryMedium.FromImage(medium.Contents))));
        }

        Assert.Equal(nvm.PhysicalWrites, tear.WritesSincePowerOn);
        return new Reference(formatted, models, exact, units, nvm.PhysicalWrites);
    }

    private sealed record Reference(
        byte[] FormattedImage,
        List<StorageModel> Models,
        List<string> Exact,
        List<(long Start, long End, int Pages)> Units,
        long TotalWrites);
}

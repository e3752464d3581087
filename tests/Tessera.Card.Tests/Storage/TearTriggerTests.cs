using Tessera.Card.Storage;
using static Tessera.Card.Tests.Storage.NvmTestSupport;

namespace Tessera.Card.Tests.Storage;

public sealed class TearTriggerTests
{
    [Fact]
    public void ATearIsArmedForTheNextPowerOnAndFiresOnce()
    {
        var (medium, _) = Fresh();
        var tear = new TearTrigger();
        var reported = new List<long>();
        tear.Torn += reported.Add;
        tear.ArmAtWrite(2);
        Assert.True(tear.IsArmed);
        Assert.Equal(2, tear.ArmedWrite);

        tear.PowerOn();
        var nvm = NonVolatileMemory.Mount(medium, tear);
        nvm.BeginAtomic();
        var block = nvm.Allocate(10);
        var e = Assert.Throws<CardTornException>(nvm.CommitAtomic);
        Assert.Equal(2, e.WriteNumber);
        Assert.Equal([2L], reported);
        Assert.False(tear.IsArmed);
        Assert.Equal(2, tear.WritesSincePowerOn);
        Assert.Equal(2, nvm.PhysicalWrites);
        Assert.Throws<InvalidOperationException>(() => nvm.LengthOf(block));

        // The next power cycle runs without a tear; the count restarts.
        tear.PowerOn();
        nvm = NonVolatileMemory.Mount(medium, tear);
        nvm.BeginAtomic();
        nvm.Allocate(10);
        nvm.CommitAtomic();
        Assert.Equal(3, tear.WritesSincePowerOn);
        Assert.Equal(5, tear.TotalWrites);
        Assert.Single(reported);
    }

    [Fact]
    public void APlanThatDidNotFireStaysArmedForTheNextPowerCycle()
    {
        var tear = new TearTrigger();
        tear.ArmAtWrite(100);
        tear.PowerOn();
        Assert.Equal(100, tear.ArmedWrite);
        tear.PowerOn();
        Assert.Equal(100, tear.ArmedWrite);
        tear.Disarm();
        Assert.False(tear.IsArmed);
    }

    [Fact]
    public void ARandomTearIsReproducibleBySeedAndInRange()
    {
        var a = new TearTrigger();
        var b = new TearTrigger();
        var drawn = new HashSet<long>();
        for (var seed = 0; seed < 200; seed++)
        {
            var write = a.ArmRandom(10, 20, seed);
            Assert.Equal(write, b.ArmRandom(10, 20, seed));
            Assert.InRange(write, 10, 20);
            drawn.Add(write);
        }

        Assert.True(drawn.Count > 5);
        Assert.Throws<ArgumentOutOfRangeException>(() => a.ArmRandom(5, 4, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.ArmAtWrite(0));
    }

    [Fact]
    public void ArmAfterCountsFromNow()
    {
        var (medium, _) = Fresh();
        var tear = new TearTrigger();
        tear.PowerOn();
        var nvm = NonVolatileMemory.Mount(medium, tear);
        nvm.BeginAtomic();
        var block = nvm.Allocate(10);
        nvm.CommitAtomic();
        var writes = tear.WritesSincePowerOn;
        tear.ArmAfter(1);
        nvm.BeginAtomic();
        nvm.Write(block, 0, [1]);
        Assert.Equal(writes + 1, Assert.Throws<CardTornException>(nvm.CommitAtomic).WriteNumber);
    }

    [Theory]
    [InlineData(TearPattern.KeepOld)]
    [InlineData(TearPattern.Garbage)]
    public void ATornPageHoldsAPrefixOfTheNewContent(TearPattern pattern)
    {
        var (medium, nvm) = Fresh();
        nvm.BeginAtomic();
        var block = nvm.Allocate(2000);
        nvm.Write(block, 0, Pattern(2000, 1));
        nvm.CommitAtomic();
        var pageSize = medium.PageSize;
        var homePage = nvm.Layout.HeapStart + 1;
        var oldPage = medium.Page(homePage).ToArray();

        // One changed page: writes 1 (journal), 2 (commit page), 3 (home page). Tear the home page.
        for (var seed = 0; seed < 20; seed++)
        {
            var tear = new TearTrigger { Pattern = pattern };
            tear.ArmAtWrite(3, seed);
            tear.PowerOn();
            var copy = MemoryMedium.FromImage(medium.Contents);
            var torn = NonVolatileMemory.Mount(copy, tear);
            torn.BeginAtomic();
            torn.Write(block, pageSize - 8, Enumerable.Repeat((byte)0xA5, pageSize).ToArray());
            var e = Assert.Throws<CardTornException>(torn.CommitAtomic);
            Assert.Equal(homePage, e.PageIndex);
            Assert.Equal(pattern, tear.LastTear?.Rest);
            var page = copy.Page(homePage).ToArray();
            Assert.InRange(e.BytesWritten, 0, pageSize - 1);
            Assert.All(page[..e.BytesWritten], b => Assert.Equal(0xA5, b));
            if (pattern == TearPattern.KeepOld)
            {
                Assert.Equal(oldPage[e.BytesWritten..], page[e.BytesWritten..]);
            }

            // Either way the next power-on completes the unit.
            var recovered = NonVolatileMemory.Mount(copy);
            Assert.Equal(1, recovered.RecoveredPages);
            Assert.All(recovered.View(block, pageSize - 8, pageSize).ToArray(), b => Assert.Equal(0xA5, b));
        }
    }

    [Fact]
    public void AnInterruptedFormatIsSeenAsUnformattedOrComplete()
    {
        for (var k = 1; k <= 2; k++)
        {
            var medium = new MemoryMedium(SmallMedium);
            var tear = new TearTrigger { Pattern = TearPattern.Garbage };
            tear.ArmAtWrite(k, seed: k);
            tear.PowerOn();
            Assert.Throws<CardTornException>(() => NonVolatileMemory.Format(medium, tear));
            try
            {
                var nvm = NonVolatileMemory.Mount(medium);
                Assert.Equal(nvm.Capacity, nvm.FreeBytes);
            }
            catch (NvmCorruptException)
            {
            }

            var formatted = NonVolatileMemory.Format(medium);
            Assert.Equal(formatted.Capacity, NonVolatileMemory.Mount(medium).FreeBytes);
        }
    }
}

using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Runtime;

/// <summary>The runtime's rules around an applet call: exceptions, transactions, transient memory, install, uninstall.</summary>
public sealed class AppletExecutionTests
{
    private readonly AppletBench bench = new();
    private readonly int freeBeforeInstall;

    public AppletExecutionTests()
    {
        var loadFile = bench.Load(ProbeApplet.LoadFile.Value);
        freeBeforeInstall = bench.Nvm.FreeBytes;
        bench.Install(loadFile, ProbeApplet.Module, ProbeApplet.Instance, [0xC9, 0x01]);
        Assert.Equal(0x9000, bench.Select(ProbeApplet.Instance));
        bench.Expect("8010000002AAAA", 0x9000);
    }

    [Fact]
    public void InstallRunsTheAppletWithItsParameters() =>
        Assert.Equal([0xC9, 0x01], bench.Expect("8012000900", 0x9000));

    [Fact]
    public void AnExceptionEscapingTheAppletIs6F00WithNothingChanged()
    {
        var writes = bench.Nvm.PhysicalWrites;
        bench.Expect("8014000002BBBB", 0x6F00);
        Assert.Equal(writes, bench.Nvm.PhysicalWrites);
        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
    }

    [Fact]
    public void AnIsoExceptionAnswersItsStatusWordWithNothingChanged()
    {
        bench.Expect("8016000002BBBB", 0x6A88);
        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
    }

    [Fact]
    public void ATransactionLeftOpenIsAbortedWhenTheCommandReturns()
    {
        bench.Expect("8018000002CCCC", 0x9000);
        Assert.False(bench.Nvm.InTransaction);
        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
        Assert.Equal([0xCC, 0xCC], bench.Expect("8012000200", 0x9000));
        bench.PowerCycle();
        bench.Select(ProbeApplet.Instance);
        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
        Assert.Equal([0xCC, 0xCC], bench.Expect("8012000200", 0x9000));
    }

    [Fact]
    public void NestedTransactionsAre6F00() => bench.Expect("801C0000", 0x6F00);

    [Fact]
    public void TransientMemoryIsClearedOnPowerResetAndDeselect()
    {
        Assert.Equal([1, 1], bench.Expect("801A000000", 0x9000));
        Assert.Equal([2, 2], bench.Expect("801A000000", 0x9000));
        bench.Select(ProbeApplet.Instance);
        Assert.Equal([3, 1], bench.Expect("801A000000", 0x9000));
        bench.PowerCycle();
        bench.Select(ProbeApplet.Instance);
        Assert.Equal([1, 1], bench.Expect("801A000000", 0x9000));
    }

    [Fact]
    public void TheStoreGrowsAndSurvivesPowerCycles()
    {
        bench.Expect("801E0028", 0x9000);
        bench.PowerCycle();
        bench.Select(ProbeApplet.Instance);
        for (var k = 0; k < 40; k += 7)
        {
            Assert.Equal([(byte)k, (byte)(k * 3)], bench.Expect($"80120{(100 + k) >> 8:X1}{(100 + k) & 0xFF:X2}00", 0x9000));
        }

        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
    }

    [Fact]
    public void UninstallFreesEverythingTheInstanceOwned()
    {
        bench.Expect("801E0028", 0x9000);
        bench.Uninstall(ProbeApplet.Instance);
        Assert.Equal(freeBeforeInstall, bench.Nvm.FreeBytes);
    }

    [Fact]
    public void AnUnknownModuleIs6A88()
    {
        var loadFile = bench.Load(ProbeApplet.LoadFile.Value);
        var e = Assert.Throws<IsoException>(() => bench.Install(loadFile, "F054455353FE02", "F054455353FE0201"));
        Assert.Equal(0x6A88, e.StatusWord.Value);
    }

    [Fact]
    public void TwoCardsShareOneLoadedAssemblyButNotState()
    {
        var other = new AppletBench();
        other.Install(other.Load(ProbeApplet.LoadFile.Value), ProbeApplet.Module, ProbeApplet.Instance);
        other.Select(ProbeApplet.Instance);
        var mine = (AppletInstance)bench.Selected!;
        var theirs = (AppletInstance)other.Selected!;
        Assert.Same(mine.AppletType, theirs.AppletType);
        Assert.Same(AppletRuntime.LoadedAssembly(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(ProbeApplet.LoadFile.Value))), mine.AppletType.Assembly);
        Assert.Empty(other.Expect("8012000100", 0x9000));
        Assert.Equal([0xAA, 0xAA], bench.Expect("8012000100", 0x9000));
    }

    [Fact]
    public void TheBuiltInLoadFileInstallsOnTwoCardsWithOneAssembly()
    {
        var a = new AppletBench();
        var b = new AppletBench();
        a.Install(a.Load(AppletBench.AppletsLoadFile), "F0544553530101", "F054455353010101");
        b.Install(b.Load(AppletBench.AppletsLoadFile), "F0544553530101", "F054455353010101");
        a.Select("F054455353010101");
        b.Select("F054455353010101");
        Assert.Same(((AppletInstance)a.Selected!).AppletType, ((AppletInstance)b.Selected!).AppletType);
        Assert.Equal(Aid.Parse("F054455353010101"), ((AppletInstance)a.Selected!).InstanceAid);
    }
}

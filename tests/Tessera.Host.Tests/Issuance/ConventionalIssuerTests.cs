using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.Tests.GlobalPlatform;
using Tessera.Host.Transport;

namespace Tessera.Host.Tests.Issuance;

/// <summary>ConventionalIssuer over the test ISD: LOAD re-cut to short blocks, progress, summary, refusals.</summary>
public sealed class ConventionalIssuerTests
{
    private static IReadOnlyList<PreparedCommand> Prepared() =>
        DataPreparation.Prepare(DataPreparationTests.Profile, DataPreparationTests.Card, new DataPreparationOptions { LoadFileBytes = DataPreparationTests.FakeAssembly });

    [Fact]
    public void IssuesTheSampleProfileWithShortBlocks()
    {
        var card = new TestIsd();
        var issuer = new ConventionalIssuer(card);
        var progress = new List<IssuanceProgress>();
        issuer.Progress += progress.Add;
        var summary = issuer.Issue(Prepared());

        // 3004-byte Load File at level 03: 239-byte blocks → 13 LOADs
        var loads = card.Received.Where(c => c.Ins == 0xE8).ToList();
        Assert.Equal(13, loads.Count);
        Assert.All(loads, l => Assert.True(l.Nc <= 239));
        Assert.Equal(LoadCommand.LoadFile(DataPreparationTests.FakeAssembly), card.Loaded.ToArray());
        Assert.Equal(Enumerable.Range(0, 13).Select(i => (byte)i), loads.Select(l => l.P2));

        var wireCommands = 1 + 13 + 1 + 1 + 3;
        Assert.Equal(wireCommands, progress.Count);
        Assert.Equal(Enumerable.Range(1, wireCommands), progress.Select(p => p.Index));
        Assert.All(progress, p => Assert.Equal(wireCommands, p.Total));
        Assert.All(progress, p => Assert.True(p.BytesToCard > 0 && p.BytesFromCard >= 2));
        Assert.Equal("LOAD block 13/13", progress[13].Description);

        Assert.Equal(7, summary.PreparedCommands);
        Assert.Equal(wireCommands + 3, summary.Commands);
        Assert.Equal(wireCommands + 3, summary.Exchanges);
        // SELECT (14 bytes), INITIALIZE UPDATE (14) and EXTERNAL AUTHENTICATE (21) come before the progress events
        Assert.Equal(progress.Sum(p => (long)p.BytesToCard) + 14 + 14 + 21, summary.BytesToCard);
        Assert.Null(summary.ModelledLinkTime);
        Assert.True(summary.BytesOnWire > DataPreparationTests.FakeAssembly.Length);
    }

    [Fact]
    public void ReportsModelledLinkTimeOverALink()
    {
        using var link = new LinkedConnection(new TestIsd(), LinkProfile.Contact);
        var summary = new ConventionalIssuer(link).Issue(Prepared());
        Assert.Equal(link.Statistics.ModelledLinkTime, summary.ModelledLinkTime);
        Assert.Equal(link.Statistics.Exchanges, summary.Exchanges);
        Assert.Equal(link.Statistics.TotalBytes, summary.BytesOnWire);
        // at 115,200 bit/s and 10 bits a byte, 3 KB take at least a quarter second
        Assert.True(summary.ModelledLinkTime > TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public void RefusalNamesTheCommand()
    {
        var prepared = Prepared().Append(new PreparedCommand("custom", "unknown instruction", new Iso7816.CommandApdu(0x80, 0x99, 0, 0), true)).ToList();
        var e = Assert.Throws<ConventionalIssuanceException>(() => new ConventionalIssuer(new TestIsd()).Issue(prepared));
        Assert.Equal(20, e.Index);
        Assert.Equal(0x6D00, e.CardError.StatusWord.Value);
        Assert.Contains("20/20", e.Message, StringComparison.Ordinal);
        Assert.Contains("6D00 instruction not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LinkCutSurfacesAsCardConnectionException()
    {
        using var link = new LinkedConnection(new TestIsd(), LinkProfile.Local with { CutAfterExchanges = 10 });
        var e = Assert.Throws<CardConnectionException>(() => new ConventionalIssuer(link).Issue(Prepared()));
        Assert.Equal(ConnectionFailure.LinkCut, e.Failure);
    }

    [Fact]
    public void DiversifiedKeysAndCMacOnly()
    {
        var master = Enumerable.Range(0x40, 16).Select(i => (byte)i).ToArray();
        var card = new TestIsd(Scp03KeyDiversification.DiversifyKdf3(master, TestIsd.Kdd));
        var options = new ConventionalIssuerOptions { Keys = CardKeys.DiversifiedKdf3(master), SecurityLevel = Scp03SecurityLevel.CMac };
        new ConventionalIssuer(card, options).Issue(Prepared());
        Assert.Equal(13, card.Received.Count(c => c.Ins == 0xE8)); // 3004 / 247 → 13 blocks
    }
}

using Tessera.Crypto;
using Tessera.Iso7816;
using static Tessera.Card.Tests.Manager.AppletCard;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// Load files larger than one atomic unit can write (SPEC §3 LOAD, §1.1): each LOAD block is stored on its own and the
/// last one only adds an index, so a 128 KiB+ load file loads on a default 1 MiB card, in extended or short blocks.
/// </summary>
public sealed class LargeLoadFileTests
{
    /// <summary>The largest LOAD block that fits an extended APDU after C-MAC.</summary>
    private const int ExtendedBlock = 65535 - 8;

    private static CardProfile OneMegabyte => ManagerCards.Profile with { NvmCapacity = 1024 * 1024 };

    [Fact]
    public void A128KiBLoadFileLoadsInExtendedBlocksInstallsWorksAndDeleteFreesItsNvm()
    {
        using var card = new AppletCard(OneMegabyte);
        var session = card.Session();
        var before = card.Device.CanonicalDump();
        var freeBefore = card.Device.NvmUsage().Free;
        var blocks = LoadBlocks(LargeLoadFile.Assembly, ExtendedBlock);
        Assert.True(LargeLoadFile.Assembly.Length > 128 * 1024, $"{LargeLoadFile.Assembly.Length} bytes");
        Assert.Equal(3, blocks.Count);

        // More than one atomic unit could ever write: the load file cannot have been copied in one command.
        var pageSize = card.Device.Profile.PageSize;
        Assert.True(LargeLoadFile.Assembly.Length > card.Runtime.Nvm.MaxUnitPages * pageSize);
        session.Expect(InstallForLoad(LargeLoadFile.Package), 0x9000);
        foreach (var block in blocks)
        {
            Assert.Equal([0x00], session.Expect(block, 0x9000));
            var pages = card.Runtime.Nvm.LastCommitPageCount;
            Assert.True(pages <= (block.Nc / pageSize) + 8, $"LOAD of {block.Nc} bytes changed {pages} pages");
        }

        // GET STATUS lists the load file and its module; the instance runs and sees its whole assembly.
        var loadFiles = Convert.ToHexString(session.Expect("80F21002024F0000", 0x9000));
        Assert.Contains($"4F07{LargeLoadFile.Package}9F700101", loadFiles, StringComparison.Ordinal);
        Assert.Contains($"8407{LargeLoadFile.Module}", loadFiles, StringComparison.Ordinal);
        session.Expect(InstallForInstall(LargeLoadFile.Module, LargeLoadFile.Instance, loadFile: LargeLoadFile.Package), 0x9000);
        card.AssertRegistryConsistent();
        card.ResetAndSelect(LargeLoadFile.Instance);
        Assert.Equal(LargeLoadFile.ExpectedAnswer(), card.Card.Expect("8020000000", 0x9000));

        // After a power cycle the code is found again from NVM.
        card.Device.PowerOff();
        card.Device.PowerOn();
        card.ResetAndSelect(LargeLoadFile.Instance);
        Assert.Equal(LargeLoadFile.ExpectedAnswer(), card.Card.Expect("8020000000", 0x9000));

        // DELETE with related objects frees every chunk, the index and the instance.
        card.Device.Reset();
        session = card.Session();
        session.Expect(Delete(LargeLoadFile.Package, withRelated: true), 0x9000);
        Assert.Equal(freeBefore, card.Device.NvmUsage().Free);
        Assert.Equal(WithoutCounters(before), WithoutCounters(card.Device.CanonicalDump()));
        session.Expect("80F21002024F0000", 0x6A88);
    }

    [Fact]
    public void A128KiBLoadFileLoadsInShortBlocksWhoseNumbersWrapPastFF()
    {
        using var card = new AppletCard(OneMegabyte);
        var session = card.Session();
        var blocks = LoadBlocks(LargeLoadFile.Assembly, 247);
        Assert.True(blocks.Count > 512, $"{blocks.Count} blocks");
        session.Expect(InstallForLoad(LargeLoadFile.Package), 0x9000);
        for (var i = 0; i < blocks.Count; i++)
        {
            if (i == 300)
            {
                // Block 300 is numbered 2C (300 mod 256); its true count is not a valid number.
                session.Expect(new CommandApdu(0x80, 0xE8, 0x00, 0x2B, blocks[i].Data), 0x6A86);
            }

            session.Expect(blocks[i], 0x9000);
        }

        session.Expect(InstallForInstall(LargeLoadFile.Module, LargeLoadFile.Instance, loadFile: LargeLoadFile.Package), 0x9000);
        card.AssertRegistryConsistent();
        card.ResetAndSelect(LargeLoadFile.Instance);
        Assert.Equal(LargeLoadFile.ExpectedAnswer(), card.Card.Expect("8020000000", 0x9000));
    }

    [Fact]
    public void AFailedLastBlockLeavesNothingOfALargeLoad()
    {
        using var card = new AppletCard(OneMegabyte);
        var session = card.Session();
        var before = card.Device.CanonicalDump();
        var blocks = LoadBlocks(LargeLoadFile.Assembly, ExtendedBlock);
        session.Expect(InstallForLoad("F054455353F199"), 0x9000);
        session.Expect(blocks[0], 0x9000);
        session.Expect(blocks[1], 0x9000);
        Assert.True(card.Device.NvmUsage().Free < card.Runtime.Nvm.Capacity - (128 * 1024));
        session.Expect(blocks[2], 0x6A80);
        Assert.Equal(before, card.Device.CanonicalDump());
        session.Expect(blocks[2], 0x6985);
    }

    [Fact]
    public void InstallForLoadReplacesALoadInProgressAndFreesItsChunks()
    {
        using var card = new AppletCard(OneMegabyte);
        var session = card.Session();
        session.Expect(InstallForLoad(Package), 0x9000);
        var pendingOnly = card.Device.CanonicalDump();
        var blocks = LoadBlocks(LargeLoadFile.Assembly, ExtendedBlock);
        session.Expect(InstallForLoad(LargeLoadFile.Package), 0x9000);
        session.Expect(blocks[0], 0x9000);
        session.Expect(blocks[1], 0x9000);

        // A new INSTALL [for load] of the applets: the large load's chunks are gone (same AID length, same record).
        session.Expect(InstallForLoad(Package), 0x9000);
        Assert.Equal(pendingOnly, card.Device.CanonicalDump());
        session.Expect(blocks[2], 0x6A86);
        foreach (var block in LoadBlocks(AppletsLoadFile, 240))
        {
            session.Expect(block, 0x9000);
        }

        session.Expect(InstallForInstall(PurseModule, Purse), 0x9000);
        card.AssertRegistryConsistent();
        Assert.DoesNotContain(card.Runtime.Manager.RegistryEntries, e => e.Aid == Aid.Parse(LargeLoadFile.Package));
    }

    [Fact]
    public void ALoadInProgressSurvivesPowerLoss()
    {
        using var card = new AppletCard(OneMegabyte);
        var session = card.Session();
        var blocks = LoadBlocks(LargeLoadFile.Assembly, ExtendedBlock);
        session.Expect(InstallForLoad(LargeLoadFile.Package), 0x9000);
        session.Expect(blocks[0], 0x9000);
        card.Device.PowerOff();
        card.Device.PowerOn();
        session = card.Session(Scp03SecurityLevel.CMac);
        session.Expect(blocks[0], 0x6A86);
        session.Expect(blocks[1], 0x9000);
        session.Expect(blocks[2], 0x9000);
        card.AssertRegistryConsistent();
    }
}

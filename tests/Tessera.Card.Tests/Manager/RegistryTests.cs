using Tessera.Crypto;
using static Tessera.Card.Tests.Manager.ManagerCards;

namespace Tessera.Card.Tests.Manager;

/// <summary>INSTALL, LOAD, GET STATUS, SET STATUS on applications and DELETE, with <see cref="FakeAppletRuntime"/>.</summary>
public sealed class RegistryTests
{
    private const string Package = "F05445535300";
    private const string Module = "F0544553530101";

    private static string LoadFile(string package = Package) =>
        "C4" + Convert.ToHexString(Iso7816.GpLength.Encode(FakeAppletRuntime.LoadFileDataBlock(package, Module).Length)) + Convert.ToHexString(FakeAppletRuntime.LoadFileDataBlock(package, Module));

    private static string InstallForLoad(string package = Package) => Apdu("80E60200", Lv(package) + "00000000");

    private static string InstallForInstall(string instance, byte p1 = 0x0C) => Apdu($"80E6{p1:X2}00", Lv(Package) + Lv(Module) + Lv(instance) + "0100" + "02C900" + "00");

    private static void Load(HostSession session, string package = Package, int blockSize = 10)
    {
        session.Expect(InstallForLoad(package), 0x9000);
        var file = LoadFile(package);
        var blocks = Enumerable.Range(0, (file.Length / 2 + blockSize - 1) / blockSize).Select(i => file.Substring(i * blockSize * 2, Math.Min(blockSize * 2, file.Length - i * blockSize * 2))).ToList();
        for (var i = 0; i < blocks.Count; i++)
        {
            session.Expect(Apdu($"80E8{(i == blocks.Count - 1 ? 0x80 : 0x00):X2}{i:X2}", blocks[i]), 0x9000);
        }
    }

    [Fact]
    public void LoadInstallSelectPersonalizeAndDelete()
    {
        using var card = New(withRuntime: true);
        var session = HostSession.Open(card, (Scp03SecurityLevel)0x33);
        Load(session);
        session.Expect(InstallForInstall("F0544553530102"), 0x9000);
        session.Expect(InstallForInstall("F0544553530103", 0x04), 0x9000);
        var elfs = Convert.ToHexString(session.Expect("80F21002024F0000", 0x9000));
        Assert.Equal($"E31F4F06{Package}9F7001018407{Module}CC08{IsdAid}", elfs);

        // INSTALLED is not selectable; SELECTABLE is; [for make selectable] moves it.
        session.Expect("00A4040007F054455353010300", 0x6A82);
        card.Device.Reset();
        session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect(Apdu("80E60800", "0000" + Lv("F0544553530103") + "000000"), 0x9000);
        session.Expect(Apdu("80E60800", "0000" + Lv("F0544553530103") + "000000"), 0x6985);

        // [for personalization] forwards STORE DATA to the application until the last block.
        session.Expect(Apdu("80E62000", "0000" + Lv("F0544553530102") + "000000"), 0x9000);
        FakeAppletRuntime.StoreDataLog.Clear();
        session.Expect("80E2800003010203", 0x9000);
        Assert.Equal(["F0544553530102:010203"], FakeAppletRuntime.StoreDataLog);
        Assert.Equal("F0544553530102", Convert.ToHexString(session.Expect("00A4040007F054455353010200", 0x9000)));
        card.Expect("00A4040007F054455353010300", 0x9000);

        // Delete the load file with its instances (nothing may be selected).
        card.Expect("00A4040000", 0x9000);
        Assert.Equal([0x01], card.Expect("0070000001", 0x9000));
        card.Expect("00708001", 0x9000);
        session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect(Apdu("80E40000", "4F06" + Package), 0x6985);
        Assert.Equal([0x00], session.Expect(Apdu("80E40080", "4F06" + Package), 0x9000));
        session.Expect("80F24002024F00", 0x6A88);
        session.Expect(Apdu("80E40000", "4F06" + Package), 0x6A88);
    }

    [Fact]
    public void LoadWithTheWrongPackageLeavesNothing()
    {
        using var card = New(withRuntime: true);
        var before = card.Device.CanonicalDump();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        var afterSession = card.Device.CanonicalDump();
        session.Expect(InstallForLoad("F05445535399"), 0x9000);
        var file = LoadFile();
        session.Expect(Apdu("80E80000", file[..20]), 0x9000);
        session.Expect(Apdu("80E80002", file[20..]), 0x6A86);
        session.Expect(Apdu("80E88001", file[20..]), 0x6A80);
        Assert.Equal(afterSession, card.Device.CanonicalDump());
        Assert.NotEqual(before, afterSession);
        session.Expect(Apdu("80E88001", file[20..]), 0x6985);
    }

    [Fact]
    public void WithoutAppletRuntimeLoadAndInstallAnswer6A81()
    {
        using var card = New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect(InstallForLoad(), 0x6A81);
        session.Expect(InstallForInstall("F0544553530102"), 0x6A81);
    }

    [Fact]
    public void GetStatusPagesWith6310()
    {
        using var card = New(withRuntime: true);
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.RMac);
        Load(session, blockSize: 200);
        for (var i = 0; i < 12; i++)
        {
            session.Expect(InstallForInstall($"F05445535301{0x10 + i:X2}"), 0x9000);
        }

        session.Expect("80F24003024F0000", 0x6985);
        var all = new List<byte>();
        var response = session.Send("80F24002024F0000");
        var pages = 1;
        while (response.SW == 0x6310)
        {
            all.AddRange(response.Data.ToArray());
            response = session.Send("80F24003024F0000");
            pages++;
        }

        Assert.Equal(0x9000, response.SW);
        all.AddRange(response.Data.ToArray());
        Assert.True(pages >= 2, $"{pages} pages");
        var entries = Iso7816.TlvNode.ParseAll(all.ToArray());
        Assert.Equal(12, entries.Count);
        Assert.All(entries, e => Assert.Equal(0x07, e.Find(new Iso7816.BerTag(0x9F70))!.Value.Span[0]));
        session.Expect("80F24003024F0000", 0x6985);
        session.Expect("80F24002054F03F05499", 0x6A88);
    }

    [Fact]
    public void ApplicationLockAndUnlock()
    {
        using var card = New(withRuntime: true);
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        Load(session);
        session.Expect(InstallForInstall("F0544553530102"), 0x9000);
        session.Expect(Apdu("80F04080", "F0544553530102"), 0x9000);
        session.Expect(Apdu("80F04080", "F0544553530102"), 0x6985);
        session.Expect("00A4040007F054455353010200", 0x6A81);
        card.Device.Reset();
        session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect(Apdu("80F04000", "F0544553530102"), 0x9000);
        session.Expect(Apdu("80F04000", "F0544553530102"), 0x6985);
        session.Expect(Apdu("80F04080", "F0544553530199"), 0x6A88);
        session.Expect(Apdu("80F04001", "F0544553530102"), 0x6A86);
        session.Expect("00A4040007F054455353010200", 0x9000);
    }
}

using Tessera.Card.Tests.Runtime;
using Tessera.Crypto;
using Tessera.Iso7816;
using static Tessera.Card.Tests.Manager.AppletCard;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// Bad LOAD, INSTALL, DELETE, STORE DATA and PUT KEY data on a card with the real applet runtime (the built-in applets
/// loaded, a purse installed): each gets its GP status word and changes nothing — neither the card content nor any NVM
/// byte. A load that fails at its last block is discarded whole, so there the card is as before INSTALL [for load].
/// (<see cref="ManagerBadInputTests"/> has the cases that need no applet runtime.)
/// </summary>
public sealed class ContentManagementBadInputTests
{
    private const string Probe = "F054455353FE";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        // LOAD: block numbers, P1, length.
        ["LOAD first block numbered 01"] = new(ForLoad(Probe), Load(0x00, 0x01, ProbeFile[..100]), 0x6A86),
        ["LOAD block 00 sent twice"] = new(ForLoad(Probe, ProbeFile[..100]), Load(0x00, 0x00, ProbeFile[100..200]), 0x6A86),
        ["LOAD last block numbered 02 after block 00"] = new(ForLoad(Probe, ProbeFile[..100]), Load(0x80, 0x02, ProbeFile[100..]), 0x6A86),
        ["LOAD P1 01"] = new(ForLoad(Probe), Load(0x01, 0x00, ProbeFile), 0x6A86),
        ["LOAD without data"] = new(ForLoad(Probe), new CommandApdu(0x80, 0xE8, 0x80, 0x00), 0x6700),

        // LOAD: a last block whose load file is refused discards the whole load.
        ["LOAD of C5 instead of C4"] = new(ForLoad(Probe), Load(0x80, 0x00, Hex.Parse("C503010203")), 0x6A80, Discards: true),
        ["LOAD of a ciphered load file (D4)"] = new(ForLoad(Probe, [0xD4, 0x82, 0x01, 0x00]), Load(0x80, 0x01, new byte[256]), 0x6A80, Discards: true),
        ["LOAD whose C4 length runs past the data"] = new(ForLoad(Probe), Load(0x80, 0x00, Hex.Parse("C4821000AABBCC")), 0x6A80, Discards: true),
        ["LOAD with bytes after the C4"] = new(ForLoad(Probe, [.. WrappedProbe]), Load(0x80, 0x01, Hex.Parse("E000")), 0x6A80, Discards: true),
        ["LOAD of an empty LFDB"] = new(ForLoad(Probe), Load(0x80, 0x00, Hex.Parse("C400")), 0x6A80, Discards: true),
        ["LOAD of bytes that are not an assembly"] = new(ForLoad(Probe, [.. C4Header(300), .. Garbage(200)]), Load(0x80, 0x01, Garbage(100)), 0x6A80, Discards: true),
        ["LOAD of a truncated assembly"] = new(ForLoad(Probe, [.. C4Header(ProbeFile.Length / 2), .. ProbeFile[..200]]), Load(0x80, 0x01, ProbeFile[200..(ProbeFile.Length / 2)]), 0x6A80, Discards: true),
        ["LOAD of another package than INSTALL [for load] named"] = new(ForLoad("F054455353F3", WrappedProbe[..300]), Load(0x80, 0x01, WrappedProbe[300..]), 0x6A80, Discards: true),

        ["LOAD last block when an application took the load file AID"] = new(
            (card, session) => Then(InstallForInstall(TicketModule, Probe))(card, ForLoad(Probe)(card, session)),
            Load(0x80, 0x00, WrappedProbe),
            0x6985),

        // INSTALL.
        ["INSTALL [for load] of a package already loaded"] = new(null, InstallForLoad(Package), 0x6985),
        ["INSTALL [for load] for an unknown security domain"] = new(null, InstallForLoad(Probe, "A000000151000099"), 0x6A88),
        ["INSTALL [for load] with chaining (P1 82)"] = new(null, Gp(0xE6, 0x82, 0x00, Lv(Probe) + "00000000"), 0x6A86),
        ["INSTALL [for load] of a 4-byte AID"] = new(null, Gp(0xE6, 0x02, 0x00, Lv("F0544553") + "00000000"), 0x6A80),
        ["INSTALL [for install] of an instance AID in use"] = new(null, InstallForInstall(TicketModule, Purse), 0x6985),
        ["INSTALL [for install] with the ISD AID"] = new(null, InstallForInstall(TicketModule, ManagerCards.IsdAid), 0x6985),
        ["INSTALL [for install] of an unknown module"] = new(null, InstallForInstall("F0544553530301", Ticket), 0x6A88),
        ["INSTALL [for install] from an unknown load file"] = new(null, InstallForInstall(PurseModule, Ticket, loadFile: Probe), 0x6A88),
        ["INSTALL [for install] with the security domain privilege"] = new(null, InstallForInstall(TicketModule, Ticket, privileges: "80"), 0x6A80),
        ["INSTALL [for install] with 2 privilege bytes"] = new(null, InstallForInstall(TicketModule, Ticket, privileges: "0000"), 0x6A80),
        ["INSTALL [for install] without C9"] = new(null, InstallForInstall(TicketModule, Ticket, parameters: "EF00"), 0x6A80),
        ["INSTALL [for install] with an unknown parameter"] = new(null, InstallForInstall(TicketModule, Ticket, parameters: "C900C500"), 0x6A80),
        ["INSTALL [for install] with malformed parameters"] = new(null, InstallForInstall(TicketModule, Ticket, parameters: "C905AA"), 0x6A80),
        ["INSTALL [for install] with a field after the token"] = new(null, Gp(0xE6, 0x0C, 0x00, Lv(Package) + Lv(TicketModule) + Lv(Ticket) + "0100" + "02C900" + "00" + "0111"), 0x6A80),
        ["INSTALL [for make selectable] of a SELECTABLE application"] = new(null, MakeSelectable(Purse), 0x6985),
        ["INSTALL [for make selectable] naming a load file"] = new(null, Gp(0xE6, 0x08, 0x00, Lv(Package) + "00" + Lv(Purse) + "000000"), 0x6A80),
        ["INSTALL [for personalization] of a LOCKED application"] = new(Then(Gp(0xF0, 0x40, 0x80, Purse)), InstallForPersonalization(Purse), 0x6985),

        // STORE DATA, to the ISD and forwarded to the purse.
        ["STORE DATA of a 17-byte IIN"] = new(null, Gp(0xE2, 0x80, 0x00, "4211" + new string('1', 34)), 0x6A80),
        ["STORE DATA of a split object"] = new(null, Gp(0xE2, 0x80, 0x00, "42051122"), 0x6A80),
        ["STORE DATA of an unknown DGI to the purse"] = new(Then(InstallForPersonalization(Purse)), StoreData(0x08, 0x00, Dgi.Encode(0x0199, [1])), 0x6A80),
        ["STORE DATA of a split DGI to the purse"] = new(Then(InstallForPersonalization(Purse)), StoreData(0x08, 0x00, Hex.Parse("010105000186A0")), 0x6A80),
        ["STORE DATA to the purse, encrypted"] = new(Then(InstallForPersonalization(Purse)), StoreData(0x68, 0x00, PursePerso()), 0x6A86),
        ["STORE DATA to the purse, last block without the key"] = new(Then(InstallForPersonalization(Purse)), StoreData(0x88, 0x00, PursePerso()[..8]), 0x6985),

        // DELETE.
        ["DELETE of an application selected on another channel"] = new(SelectPurseOnChannel1, Delete(Purse, withRelated: false), 0x6985),
        ["DELETE of a load file with instances, P2 00"] = new(null, Delete(Package, withRelated: false), 0x6985),
        ["DELETE of two AIDs"] = new(null, Gp(0xE4, 0x00, 0x80, "4F" + Lv(Purse) + "4F" + Lv(Package)), 0x6A80),
        ["DELETE of an AID and a key set"] = new(null, Gp(0xE4, 0x00, 0x00, "4F" + Lv(Purse) + "D20130"), 0x6A80),
        ["DELETE with an unknown tag"] = new(null, Gp(0xE4, 0x00, 0x00, "4F" + Lv(Purse) + "5C0101"), 0x6A80),
        ["DELETE with a TLV shorter than its length"] = new(null, Gp(0xE4, 0x00, 0x00, "4F08F0544553"), 0x6A80),
        ["DELETE with chaining (P1 80)"] = new(null, Gp(0xE4, 0x80, 0x00, "4F" + Lv(Purse)), 0x6A86),

        // PUT KEY.
        ["PUT KEY of a DES key type"] = new(null, Gp(0xD8, 0x00, 0x81, DesTyped()), 0x6A80),
    };

    public static TheoryData<string> Names => [.. Cases.Keys];

    private static byte[] ProbeFile => ProbeApplet.LoadFile.Value;

    private static byte[] WrappedProbe => BerTlv.Encode(new BerTag(0xC4), ProbeFile);

    [Theory]
    [MemberData(nameof(Names))]
    public void RefusedWithItsStatusWordAndNoEffect(string name)
    {
        var test = Cases[name];
        using var card = new AppletCard();
        var session = card.LoadApplets();
        session.Expect(InstallForInstall(PurseModule, Purse), 0x9000);
        var beforePrefix = (card.Device.CanonicalDump(), card.AllocatedBlocks(withContent: true));
        session = test.Prefix?.Invoke(card, session) ?? session;
        var before = (card.Device.CanonicalDump(), card.AllocatedBlocks(withContent: true));

        session.Expect(test.Command, test.Sw);
        Assert.Equal(test.Discards ? beforePrefix : before, (card.Device.CanonicalDump(), card.AllocatedBlocks(withContent: true)));
        card.AssertRegistryConsistent();

        // The session and the card go on: the registry answers, and the purse is still there.
        Assert.Contains(Purse, Convert.ToHexString(session.Expect("80F24002024F0000", 0x9000)), StringComparison.Ordinal);
    }

    [Fact]
    public void TheProbeLoadFileOfTheCasesLoadsWhenSentRight()
    {
        // The LOAD cases cut the probe applet wrongly: sent right it loads, so the refusals are about the data.
        using var card = new AppletCard();
        var session = card.LoadApplets();
        session.Expect(InstallForLoad(Probe), 0x9000);
        foreach (var block in LoadBlocks(ProbeFile, 200))
        {
            session.Expect(block, 0x9000);
        }

        card.AssertRegistryConsistent();
        Assert.Contains(card.Runtime.Manager.RegistryEntries, e => e.Aid == Aid.Parse(Probe));
    }

    private static Func<AppletCard, HostSession, HostSession> ForLoad(string package, byte[]? firstBlock = null) => (_, session) =>
    {
        session.Expect(InstallForLoad(package), 0x9000);
        if (firstBlock is not null)
        {
            session.Expect(Load(0x00, 0x00, firstBlock), 0x9000);
        }

        return session;
    };

    private static Func<AppletCard, HostSession, HostSession> Then(CommandApdu command) => (_, session) =>
    {
        session.Expect(command, 0x9000);
        return session;
    };

    /// <summary>Channel 1 opened (through the session on channel 0) and the purse selected there.</summary>
    private static HostSession SelectPurseOnChannel1(AppletCard card, HostSession session)
    {
        Assert.Equal([0x01], session.Expect("0070000001", 0x9000));
        card.Card.Expect($"01A40400{Lv(Purse)}", 0x9000);
        return session;
    }

    private static CommandApdu Load(byte p1, byte p2, byte[] data) => new(0x80, 0xE8, p1, p2, data, extended: data.Length > 255);

    private static byte[] C4Header(int length) => [0xC4, .. BerTlv.EncodeLength(length)];

    private static byte[] Garbage(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return bytes;
    }

    private static string DesTyped()
    {
        var key = Hex.Parse("000102030405060708090A0B0C0D0E0F");
        var data = ManagerCards.PutKeyData(0x31, key, key, key, Hex.Parse(CardProfile.DefaultScp03KeyHex));
        return "3180" + data[4..];
    }

    private static CommandApdu Gp(byte ins, byte p1, byte p2, string data) => new(0x80, ins, p1, p2, Hex.Parse(data));

    private sealed record Case(Func<AppletCard, HostSession, HostSession>? Prefix, CommandApdu Command, ushort Sw, bool Discards = false);
}

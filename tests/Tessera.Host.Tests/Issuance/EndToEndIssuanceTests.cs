using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Issuance;

/// <summary>
/// The host against the real card, through bytes only: conventional issuance of the sample purse profile (LOAD of the
/// built-in applets, INSTALL, STORE DATA personalisation under SCP03), use of the purse, the registry checked with
/// GET STATUS, then everything deleted again; and the same step by step for both built-in applets (purse and ticket).
/// </summary>
public sealed class EndToEndIssuanceTests
{
    private static readonly Aid Package = Aid.Parse("F05445535300");
    private static readonly Aid Purse = Aid.Parse("F0544553530101");
    private static readonly Aid Ticket = Aid.Parse("F0544553530201");
    private static readonly Aid PurseInstance = Aid.Parse("F054455353010101");
    private static readonly Aid TicketInstance = Aid.Parse("F054455353020101");
    private static readonly byte[] PurseKey = Hex.Parse("00112233445566778899AABBCCDDEEFF");
    private static readonly byte[] TicketKey = Hex.Parse("000102030405060708090A0B0C0D0E0F1011121314151617");

    [Fact]
    public void IssueUsePurseAndDeleteEverything()
    {
        using var device = SecureDevice.Create(CardProfile.Default);
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var empty = device.CanonicalDump();
        var loadFile = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll"));
        var prepared = DataPreparation.Prepare(
            IssuanceProfile.Load(SampleFiles.Path("samples/purse-profile.json")),
            CardRecord.Load(SampleFiles.Path("samples/purse-card-0001.json")),
            new DataPreparationOptions { LoadFileBytes = loadFile });
        var summary = new ConventionalIssuer(connection).Issue(prepared);
        Assert.True(summary.Commands > 60, summary.ToString());

        // The purse, selected from outside, answers its balance: 0 of a maximum of 100000 (sample record).
        connection.Reset();
        var card = new ApduTransmitter(connection);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4040007F0544553530101"))).SW);
        var balance = card.Transmit(new CommandApdu(0x80, 0x50, 0, 0, ne: 256));
        Assert.Equal(0x9000, balance.SW);
        Assert.Equal(Hex.Parse("00000000000186A0"), balance.Data.ToArray()[..8]);
        Assert.Equal(0x6985, card.Transmit(new CommandApdu(0x80, 0x54, 0, 0, Hex.Parse("00000001"))).SW);

        // The registry lists the load file and the instance.
        connection.Reset();
        var session = new GpSession(connection);
        session.Select(IssuerSecurityDomain.DefaultAid);
        session.Authenticate(CardKeys.GpDefault, Crypto.Scp03SecurityLevel.CMac | Crypto.Scp03SecurityLevel.CDecryption);
        var isd = new IssuerSecurityDomain(session);
        Assert.Contains(isd.GetStatus(GetStatusScope.Applications), e => e.Aid == Purse && e.LifeCycle == 0x07);
        Assert.Contains(isd.GetStatus(GetStatusScope.LoadFilesAndModules), e => e.Aid == Package && e.Modules.Contains(Purse));

        // DELETE with related objects removes the package and its instances; the card content is as before issuance.
        isd.Delete(Package, withRelatedObjects: true);
        Assert.DoesNotContain(isd.GetStatus(GetStatusScope.LoadFilesAndModules), e => e.Aid == Package);
        connection.Reset();
        Assert.Equal(0x6A82, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4040007F0544553530101"))).SW);
        Assert.Equal(Without(empty, "counter="), Without(device.CanonicalDump(), "counter="));
    }

    [Fact]
    public void LoadInstallPersonaliseUseAndDeletePurseAndTicketStepByStep()
    {
        using var device = SecureDevice.Create(CardProfile.Default);
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var empty = device.CanonicalDump();
        var freeBefore = device.NvmUsage().Free;
        var isd = Authenticated(connection);
        Assert.Empty(isd.GetStatus(GetStatusScope.Applications));
        Assert.Empty(isd.GetStatus(GetStatusScope.LoadFilesAndModules));

        // LOAD of the built-in applets in short blocks (C-DECRYPTION: 239 bytes each).
        var assembly = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll"));
        var progress = new List<(int Done, int Total)>();
        isd.Load(Package, assembly, progress: (done, total) => progress.Add((done, total)));
        Assert.True(progress.Count > 50, $"{progress.Count} LOAD blocks");
        Assert.Equal(progress[^1].Total, progress[^1].Done);
        var loadFile = Assert.Single(isd.GetStatus(GetStatusScope.LoadFilesAndModules));
        Assert.Equal((Package, (byte)0x01), (loadFile.Aid, loadFile.LifeCycle));
        Assert.Equal([Purse, Ticket], loadFile.Modules.Order().ToArray());
        Assert.Empty(isd.GetStatus(GetStatusScope.Applications));

        // INSTALL: the purse selectable at once, the ticket INSTALLED and then made selectable.
        isd.Install(Package, Purse, PurseInstance, Privileges.None);
        isd.Install(Package, Ticket, TicketInstance, Privileges.None, makeSelectable: false);
        Assert.Equal([(PurseInstance, 0x07), (TicketInstance, 0x03)], Applications(isd));
        isd.Session.Send(InstallCommand.ForMakeSelectable(TicketInstance, Privileges.None), "INSTALL [for make selectable]");
        Assert.Equal([(PurseInstance, 0x07), (TicketInstance, 0x07)], Applications(isd));
        Assert.All(isd.GetStatus(GetStatusScope.Applications), e => Assert.Equal(Package, e.LoadFileAid));

        // Personalisation (STORE DATA forwarded under C-DECRYPTION); GP life cycles stay SELECTABLE.
        isd.Personalize(PurseInstance, [(0x0101, Hex.Parse("000186A005")), (0x8101, PurseKey)]);
        isd.Personalize(TicketInstance, [(0x0201, "Tessera Live 2026"u8.ToArray()), (0x0202, "B-12"u8.ToArray()), (0x0203, "A. Holder"u8.ToArray()), (0x0204, Hex.Parse("20261231")), (0x8201, TicketKey)]);
        Assert.Equal([(PurseInstance, 0x07), (TicketInstance, 0x07)], Applications(isd));

        // The purse: a credit authorised by the issuer's MAC, a debit by the holder, the log.
        connection.Reset();
        var card = new ApduTransmitter(connection);
        Expect(card, new CommandApdu(0x00, 0xA4, 0x04, 0x00, PurseInstance.ToArray()), 0x9000);
        Assert.Equal(Hex.Parse("00000000000186A000000000"), Expect(card, new CommandApdu(0x80, 0x50, 0, 0, ne: 256), 0x9000));
        Assert.Equal(Hex.Parse("000003E8"), Expect(card, new CommandApdu(0x80, 0x52, 0, 0, (byte[])[.. Hex.Parse("000003E8"), .. IssuerMac(PurseKey, PurseInstance, 0x52, Hex.Parse("000003E8"), 0)], ne: 256), 0x9000));
        Assert.Equal(Hex.Parse("00000384"), Expect(card, new CommandApdu(0x80, 0x54, 0, 0, Hex.Parse("00000064"), ne: 256), 0x9000));
        Assert.Equal(Hex.Parse("02" + "00000002" + "00000064" + "00000384" + "01" + "00000001" + "000003E8" + "000003E8"), Expect(card, new CommandApdu(0x80, 0x56, 0, 0, ne: 256), 0x9000));

        // The ticket: the owner reads the issuer's fields; the issuer changes the seat (MAC, good once); punched once.
        Expect(card, new CommandApdu(0x00, 0xA4, 0x04, 0x00, TicketInstance.ToArray()), 0x9000);
        var ticket = TlvNode.ParseAll(Expect(card, new CommandApdu(0x80, 0x60, 0, 0, ne: 256), 0x9000));
        Assert.Equal(["Tessera Live 2026", "B-12", "A. Holder"], ticket.Take(3).Select(n => System.Text.Encoding.ASCII.GetString(n.Value.Span)));
        Assert.Equal("20261231" + "00" + "00000000", string.Concat(ticket.Skip(3).Select(n => Convert.ToHexString(n.Value.Span))));
        var seat = "C-07"u8.ToArray();
        var updateSeat = new CommandApdu(0x80, 0x62, 0, 0, (byte[])[.. seat, .. IssuerMac(TicketKey, TicketInstance, 0x62, seat, 0)]);
        Expect(card, updateSeat, 0x9000);
        Expect(card, updateSeat, 0x6982);
        ticket = TlvNode.ParseAll(Expect(card, new CommandApdu(0x80, 0x60, 0, 0, ne: 256), 0x9000));
        Assert.Equal("C-07", System.Text.Encoding.ASCII.GetString(ticket[1].Value.Span));
        Assert.Equal("00000001", Convert.ToHexString(ticket[5].Value.Span));
        Expect(card, new CommandApdu(0x80, 0x64, 0, 0), 0x9000);
        Expect(card, new CommandApdu(0x80, 0x64, 0, 0), 0x6985);
        Expect(card, new CommandApdu(0x80, 0x62, 0, 0, (byte[])[.. seat, .. IssuerMac(TicketKey, TicketInstance, 0x62, seat, 1)]), 0x6985);

        // DELETE the ticket, then the load file with the purse: the card is as it was before issuance.
        connection.Reset();
        isd = Authenticated(connection);
        isd.Delete(TicketInstance);
        Assert.Equal([(PurseInstance, 0x07)], Applications(isd));
        Assert.Single(isd.GetStatus(GetStatusScope.LoadFilesAndModules));
        isd.Delete(Package, withRelatedObjects: true);
        Assert.Empty(isd.GetStatus(GetStatusScope.Applications));
        Assert.Empty(isd.GetStatus(GetStatusScope.LoadFilesAndModules));
        Assert.Equal(freeBefore, device.NvmUsage().Free);
        Assert.Equal(Without(empty, "counter="), Without(device.CanonicalDump(), "counter="));
    }

    /// <summary>The ISD selected and a full SCP03 session (C-MAC, C-DECRYPTION, R-MAC, R-ENCRYPTION) opened.</summary>
    private static IssuerSecurityDomain Authenticated(ICardConnection connection)
    {
        var session = new GpSession(connection);
        session.Select(IssuerSecurityDomain.DefaultAid);
        session.Authenticate(CardKeys.GpDefault, Crypto.Scp03SecurityLevel.CMac | Crypto.Scp03SecurityLevel.CDecryption | Crypto.Scp03SecurityLevel.RMac | Crypto.Scp03SecurityLevel.REncryption);
        return new IssuerSecurityDomain(session);
    }

    /// <summary>GET STATUS of the applications: (AID, life cycle) in registry order.</summary>
    private static (Aid, int)[] Applications(IssuerSecurityDomain isd) =>
        [.. isd.GetStatus(GetStatusScope.Applications).Select(e => (e.Aid, (int)e.LifeCycle))];

    /// <summary>PROTOCOL.md "Issuer MAC": AES-CMAC(key, instance AID ‖ INS ‖ payload ‖ counter u32), first 8 bytes.</summary>
    private static byte[] IssuerMac(byte[] key, Aid instance, byte ins, byte[] payload, uint counter)
    {
        byte[] input = [.. instance.ToArray(), ins, .. payload, (byte)(counter >> 24), (byte)(counter >> 16), (byte)(counter >> 8), (byte)counter];
        return Crypto.AesCmac.Compute(key, input)[..8];
    }

    private static byte[] Expect(ApduTransmitter card, CommandApdu command, ushort sw)
    {
        var response = card.Transmit(command);
        Assert.True(response.SW == sw, $"{command}: expected {sw:X4}, got {response.SW:X4}");
        return response.Data.ToArray();
    }

    /// <summary>Drops dump lines that legitimately change with every session (the SCP03 sequence counter).</summary>
    private static string Without(string dump, string word) =>
        string.Join('\n', dump.Split('\n').Where(l => !l.Contains(word, StringComparison.OrdinalIgnoreCase)));
}

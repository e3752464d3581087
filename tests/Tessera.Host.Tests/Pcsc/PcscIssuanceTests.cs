using System.Buffers.Binary;
using Tessera.Card;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Host.Pcsc;
using Tessera.Host.Tests.Issuance;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// Conventional issuance end to end through pcscd, as <c>tessera issue --conventional samples/purse-profile.json
/// --reader "Virtual PCD 00 00"</c> does it: the host's <see cref="ConventionalIssuer"/> on a
/// <see cref="PcscConnection"/> issues the card served on a vpcd slot (LOAD, INSTALL, STORE DATA under SCP03); then
/// the registry shows the purse and the purse works.
/// </summary>
[Collection(PcscCollection.Name)]
public sealed class PcscIssuanceTests(PcscCardFixture fixture)
{
    private static readonly Aid Package = Aid.Parse("F05445535300");
    private static readonly Aid Purse = Aid.Parse("F0544553530101");

    [SkippableFact]
    public void ConventionalIssuanceThroughPcscdGivesAWorkingPurse()
    {
        PcscEnvironment.RequireVpcdReaders();
        fixture.Attach(CardInterface.Contact, 0);
        var record = CardRecord.Load(SampleFiles.Path("samples/purse-card-0001.json"));
        var prepared = DataPreparation.Prepare(
            IssuanceProfile.Load(SampleFiles.Path("samples/purse-profile.json")),
            record,
            new DataPreparationOptions { LoadFileBytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll")) });
        using var reader = new PcscConnection(PcscEnvironment.Reader0);
        reader.PowerOn();
        var progress = 0;
        var issuer = new ConventionalIssuer(reader);
        issuer.Progress += p => progress = p.Index;
        var summary = issuer.Issue(prepared);
        Assert.True(summary.Commands > 60, summary.ToString());
        Assert.Equal(summary.Commands - 3, progress);

        // The registry, read over a new secure channel, lists the purse (SELECTABLE) and the package with its module.
        reader.Reset();
        var session = new GpSession(reader);
        session.Select(IssuerSecurityDomain.DefaultAid);
        session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        var isd = new IssuerSecurityDomain(session);
        Assert.Contains(isd.GetStatus(GetStatusScope.Applications), e => e.Aid == Purse && e.LifeCycle == 0x07);
        Assert.Contains(isd.GetStatus(GetStatusScope.LoadFilesAndModules), e => e.Aid == Package && e.Modules.Contains(Purse));

        // The purse, personalised from the sample record: balance 0 of 100,000; a credit authorised with the issuer's
        // key, a debit, and both in the log.
        reader.PowerOn();
        var card = new ApduTransmitter(reader);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4040007F0544553530101"))).SW);
        Assert.Equal(Hex.Parse("00000000000186A000000000"), Ok(card, new CommandApdu(0x80, 0x50, 0, 0, ne: 256)));
        var amount = Hex.Parse("000001F4");
        var macInput = Purse.Span.ToArray().Concat(new byte[] { 0x52 }).Concat(amount).Concat(new byte[4]).ToArray();
        var mac = AesCmac.Compute(Hex.Parse(record.Fields["creditKey"]), macInput).AsSpan(0, 8).ToArray();
        var credit = new CommandApdu(0x80, 0x52, 0, 0, amount.Concat(mac).ToArray(), ne: 256);
        Assert.Equal(Hex.Parse("000001F4"), Ok(card, credit));
        Assert.Equal(0x6982, card.Transmit(credit).SW); // a MAC is good once
        Assert.Equal(Hex.Parse("0000012C"), Ok(card, new CommandApdu(0x80, 0x54, 0, 0, Hex.Parse("000000C8"), ne: 256)));
        var log = Ok(card, new CommandApdu(0x80, 0x56, 0, 0, ne: 256));
        Assert.Equal(26, log.Length);
        Assert.Equal(Hex.Parse("02 00000002 000000C8 0000012C 01 00000001 000001F4 000001F4"), log);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(Ok(card, new CommandApdu(0x80, 0x50, 0, 0, ne: 256)).AsSpan(8)));

        // Leave the shared card as it was: DELETE the package with its instance.
        reader.PowerOn();
        session = new GpSession(reader);
        session.Select(IssuerSecurityDomain.DefaultAid);
        session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        isd = new IssuerSecurityDomain(session);
        isd.Delete(Package, withRelatedObjects: true);
        Assert.DoesNotContain(isd.GetStatus(GetStatusScope.LoadFilesAndModules), e => e.Aid == Package);
    }

    private static byte[] Ok(ApduTransmitter card, CommandApdu command)
    {
        var response = card.Transmit(command);
        Assert.True(response.SW == 0x9000, $"{command} answered {response.SW:X4}");
        return response.Data.ToArray();
    }

    [SkippableFact]
    public void SelfIssuanceThroughPcscdGivesAWorkingPurseInOneStart()
    {
        PcscEnvironment.RequireVpcdReaders();
        fixture.Attach(CardInterface.Contact, 0);
        var prepared = DataPreparation.Prepare(
            IssuanceProfile.Load(SampleFiles.Path("samples/purse-profile.json")),
            CardRecord.Load(SampleFiles.Path("samples/purse-card-0001.json")),
            new DataPreparationOptions { LoadFileBytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll")) });
        using var reader = new PcscConnection(PcscEnvironment.Reader0);
        reader.PowerOn();
        var summary = new Host.SelfIssuance.SelfIssuanceManager(reader, new Host.SelfIssuance.SelfIssuanceOptions { Fid = 0x5F0A }).Issue(prepared);
        Assert.Equal(Host.SelfIssuance.IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal(1, summary.StartAttempts);
        Assert.False(summary.UsedMemoryInterface); // PC/SC carries APDUs only: extended UPDATE BINARY
        Assert.True(summary.Exchanges < 15, summary.ToString());

        reader.PowerOn();
        var card = new ApduTransmitter(reader);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4040007F0544553530101"))).SW);
        Assert.Equal(Hex.Parse("00000000000186A000000000"), Ok(card, new CommandApdu(0x80, 0x50, 0, 0, ne: 256)));

        // Leave the shared card as it was: DELETE the package with its instance, and the command storage EF.
        reader.PowerOn();
        var session = new GpSession(reader);
        session.Select(IssuerSecurityDomain.DefaultAid);
        session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        new IssuerSecurityDomain(session).Delete(Package, withRelatedObjects: true);
        Assert.Equal(0x9000, session.Transmit(Host.SelfIssuance.CommandStorage.SelectDf()).SW);
        Assert.Equal(0x9000, session.Transmit(Host.SelfIssuance.CommandStorage.DeleteEf(0x5F0A)).SW);
    }
}

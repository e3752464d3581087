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
/// GET STATUS, then everything deleted again.
/// </summary>
public sealed class EndToEndIssuanceTests
{
    private static readonly Aid Package = Aid.Parse("F05445535300");
    private static readonly Aid Purse = Aid.Parse("F0544553530101");

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

    /// <summary>Drops dump lines that legitimately change with every session (the SCP03 sequence counter).</summary>
    private static string Without(string dump, string word) =>
        string.Join('\n', dump.Split('\n').Where(l => !l.Contains(word, StringComparison.OrdinalIgnoreCase)));
}

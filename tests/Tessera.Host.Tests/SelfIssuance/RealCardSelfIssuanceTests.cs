using System.Text.RegularExpressions;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.SelfIssuance;
using Tessera.Host.Tests.Issuance;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>
/// The self-issuance manager against the real card, through bytes: the sample purse profile issued in one START,
/// over a link cut after every exchange, with the card losing power at NVM writes, with a failing command, and sealed.
/// </summary>
public sealed partial class RealCardSelfIssuanceTests
{
    private static readonly Lazy<byte[]> AppletsLoadFile = new(() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll")));

    private static IReadOnlyList<PreparedCommand> Prepared() => DataPreparation.Prepare(
        IssuanceProfile.Load(SampleFiles.Path("samples/purse-profile.json")),
        CardRecord.Load(SampleFiles.Path("samples/purse-card-0001.json")),
        new DataPreparationOptions { LoadFileBytes = AppletsLoadFile.Value });

    private static SecureDevice NewCard()
    {
        var device = SecureDevice.Create(CardProfile.Default with { SerialNumber = "0102030405060708" });
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        return device;
    }

    private static readonly Lazy<string> Reference = new(() =>
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var summary = new SelfIssuanceManager(connection).Issue(Prepared());
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        return Content(device);
    });

    [Fact]
    public void The_sample_purse_is_issued_in_one_start_and_answers_from_outside()
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var prepared = Prepared();
        var summary = new SelfIssuanceManager(connection).Issue(prepared);
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal(prepared.Count, summary.ScriptCommands);
        Assert.Equal(1, summary.StartAttempts);
        Assert.True(summary.UsedMemoryInterface, summary.ToString());
        Assert.True(summary.Exchanges < 20, summary.ToString());

        connection.Reset();
        var card = new ApduTransmitter(connection);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4040007F0544553530101"))).SW);
        var balance = card.Transmit(new CommandApdu(0x80, 0x50, 0, 0, ne: 256));
        Assert.Equal(Hex.Parse("00000000000186A0"), balance.Data.ToArray()[..8]);
        Assert.Equal(Reference.Value, Content(device));
    }

    [Fact]
    public void Without_the_memory_interface_the_structure_goes_by_extended_update_binary()
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions { UseMemoryInterface = false }).Issue(Prepared());
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.False(summary.UsedMemoryInterface);
        Assert.Equal(Reference.Value, Content(device));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_link_cut_after_any_exchange_still_ends_with_a_correctly_issued_confirmed_card(bool memoryInterface)
    {
        var prepared = Prepared();
        int total;
        using (var device = NewCard())
        using (var link = new LinkedConnection(new InProcessConnection(device), LinkProfile.Local))
        {
            link.PowerOn();
            new SelfIssuanceManager(link, new SelfIssuanceOptions { UseMemoryInterface = memoryInterface, ReconnectDelay = TimeSpan.Zero }).Issue(prepared);
            total = link.Statistics.Exchanges;
        }

        for (var k = 1; k <= total; k++)
        {
            using var device = NewCard();
            using var link = new LinkedConnection(new InProcessConnection(device), LinkProfile.Local);
            link.PowerOn();
            link.CutAfter(k);
            var cuts = 0;
            var manager = new SelfIssuanceManager(() =>
            {
                // The operator's reconnect: the link comes back (once), the card is powered again.
                if (link.IsCut)
                {
                    cuts++;
                    link.Restore();
                }

                return link;
            }, new SelfIssuanceOptions { UseMemoryInterface = memoryInterface, ReconnectDelay = TimeSpan.Zero });
            var summary = manager.Issue(prepared);
            Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
            Assert.True(Reference.Value == Content(device), $"cut after exchange {k}: the card differs from an uninterrupted issuance");
        }
    }

    [Fact]
    public void A_card_power_loss_at_nvm_writes_of_the_issuance_is_recovered_by_the_manager()
    {
        var prepared = Prepared();
        long writes;
        using (var device = NewCard())
        {
            var connection = new InProcessConnection(device);
            connection.PowerOn();
            new SelfIssuanceManager(connection).Issue(prepared);
            writes = device.PhysicalWritesSincePowerOn;
        }

        // Every 13th write (the card-level test tears at every one): the manager must notice, reconnect and finish.
        for (var w = 1L; w <= writes; w += 13)
        {
            using var device = NewCard();
            var connection = new InProcessConnection(device);
            connection.PowerOff();
            device.ArmTearAtWrite(w);
            connection.PowerOn();
            var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions { ReconnectDelay = TimeSpan.Zero }).Issue(prepared);
            Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
            Assert.True(Reference.Value == Content(device), $"tear at write {w}: the card differs from an uninterrupted issuance");
        }
    }

    [Fact]
    public void A_failing_command_is_reported_and_the_manager_clears_when_its_policy_says_so()
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var empty = Content(device);
        var prepared = Prepared().ToList();
        var storeData = prepared.FindIndex(c => c.Command.Ins == 0xE2);
        var broken = prepared[storeData].Command;
        prepared[storeData] = prepared[storeData] with { Command = new CommandApdu(broken.Cla, broken.Ins, broken.P1, broken.P2, Hex.Parse("017703000000"), broken.Ne) };
        IssuanceStatus? seen = null;
        var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions
        {
            FailurePolicy = (status, _) =>
            {
                seen = status;
                return FailureDecision.Clear;
            },
        }).Issue(prepared);
        Assert.Equal(IssuanceState.Cleared, summary.FinalState);
        Assert.NotNull(seen);
        Assert.Equal(storeData + 1, seen!.FailingCommand);
        Assert.Equal((ushort)0x6A80, seen.FailingStatusWord!.Value.Value);

        // CLEAR gave back the card as it was, except command storage, which holds the script.
        Assert.Equal(WithoutCommandStorage(empty), WithoutCommandStorage(Content(device)));
    }

    [Fact]
    public void After_a_failure_the_manager_resumes_at_the_failing_command_once_the_cause_is_fixed()
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();

        // The issuance also fills an EF in DF 4F00, which the card does not have yet: that command fails (6A82).
        var prepared = Prepared().ToList();
        var failing = prepared.Count + 2;
        prepared.Add(new PreparedCommand("files", "SELECT MF", CommandApdu.Parse(Hex.Parse("00A4000C023F00")), true));
        prepared.Add(new PreparedCommand("files", "SELECT DF 4F00", CommandApdu.Parse(Hex.Parse("00A4000C024F00")), false));
        prepared.Add(new PreparedCommand("files", "CREATE EF 4F01", CommandApdu.Parse(Hex.Parse("00E000000D620B820101830240F18002001A")), false));
        var fixes = 0;
        var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions
        {
            FailurePolicy = (status, table) =>
            {
                Assert.Equal(failing, status.FailingCommand);
                Assert.Equal((ushort)0x6A82, status.FailingStatusWord!.Value.Value);
                Assert.Equal(CommandProgress.Failed, table[failing]);

                // The operator fixes the cause on the other interface: DF 4F00 is created under its own secure channel.
                fixes++;
                var other = new InProcessConnection(device, CardInterface.Contactless);
                other.PowerOn();
                var session = new Tessera.Host.GlobalPlatform.GpSession(other);
                session.Select(Tessera.Host.GlobalPlatform.IssuerSecurityDomain.DefaultAid);
                session.Authenticate(Tessera.Host.GlobalPlatform.CardKeys.GpDefault, Crypto.Scp03SecurityLevel.CMac);
                Assert.Equal(0x9000, session.Transmit(CommandApdu.Parse(Hex.Parse("00E0000009620782013883024F00"))).SW);
                other.PowerOff();
                return FailureDecision.Resume(status.FailingCommand!.Value);
            },
        }).Issue(prepared);
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal(1, fixes);
        Assert.Equal(2, summary.StartAttempts);
        Assert.Contains("3F00/4F00/40F1 EF", device.CanonicalDump(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_sealed_issuance_runs_and_the_operator_never_handles_the_plaintext()
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions { Seal = true }).Issue(Prepared());
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.True(summary.Sealed);
        Assert.Equal(WithoutCommandStorage(Reference.Value), WithoutCommandStorage(Content(device)));
    }

    /// <summary>The canonical content without the SCP03 sequence counters (every session moves them).</summary>
    private static string Content(SecureDevice device) => CounterPattern().Replace(device.CanonicalDump(), "counter=*");

    /// <summary>Without command storage (it holds the script), the free byte count and NVM block addresses (both follow the script's size).</summary>
    private static string WithoutCommandStorage(string dump) =>
        BlockPattern().Replace(string.Join('\n', dump.Split('\n').Where(l => !l.StartsWith("3F00/7F50/", StringComparison.Ordinal) && !l.StartsWith("nvm free", StringComparison.Ordinal))), "$1=#*");

    [GeneratedRegex("(block|state)=#[0-9A-F]+")]
    private static partial Regex BlockPattern();

    [GeneratedRegex("counter=[0-9A-F]{6}")]
    private static partial Regex CounterPattern();
}

using Tessera.Card.Tests.Manager;

namespace Tessera.Card.Tests.Issuance;

/// <summary>
/// SPEC §1.1 and §4.6: a self-issuance of a realistic script (load, install, personalise, create files: over 30
/// commands) torn at every physical NVM write; after power-on, START with P1 00 completes it to exactly the content of
/// an uninterrupted issuance, or CLEAR returns exactly the content before it. The same for a torn CLEAR and CONFIRM.
/// </summary>
public sealed class IssuanceTearTests
{
    private static readonly Lazy<(List<byte[]> Commands, List<int> Points, byte[] Structure)> Script = new(() =>
    {
        var (commands, points) = IssuanceScripts.Full();
        return (commands, points, ScriptWriter.Write(commands, points, IssuanceScripts.Decisions));
    });

    [Fact]
    public void The_script_is_realistic()
    {
        Assert.True(Script.Value.Commands.Count >= 30, $"{Script.Value.Commands.Count} commands");
    }

    [Fact]
    public void A_tear_at_any_write_of_start_or_confirm_is_completed_by_start_p1_00()
    {
        var (reference, before, writes) = Reference(confirm: true, clear: false);
        Assert.NotEqual(before, reference);
        TearAtEveryWrite(writes, card => card.Confirm(), (card, w, state, preceding) =>
        {
            if (state is 0x00 or 0x04)
            {
                var start = card.Start();
                Assert.True(start.SW == 0x9000, $"write {w}: START P1 00 after the tear answered {start.SW:X4} (state {state:X2}, {preceding} preceding)");
                state = 0x02;
            }

            if (state == 0x02)
            {
                Assert.Equal(0x9000, card.Confirm().SW);
            }

            Assert.Equal(0x05, IssuanceCard.Summary(card.Status().Data.Span).State);
            Assert.True(reference == card.Content(), $"tear at write {w}: the content differs from an uninterrupted issuance");
        });
    }

    [Fact]
    public void A_tear_at_any_write_of_start_or_clear_is_undone_by_clear()
    {
        var (_, before, writes) = Reference(confirm: false, clear: true);
        TearAtEveryWrite(writes, card => card.Clear(), (card, w, state, _) =>
        {
            if (state is 0x02 or 0x04)
            {
                Assert.Equal(0x9000, card.Clear().SW);
                state = 0x06;
            }

            Assert.True(state is 0x00 or 0x06, $"write {w}: state {state:X2} after recovery");
            Assert.True(before == card.Content(), $"tear at write {w}: CLEAR did not return the content before the issuance");
        });
    }

    /// <summary>
    /// For every write w of (session, START, <paramref name="finish"/>): a prepared card torn at w, powered on again,
    /// its reported progress checked against its content, then <paramref name="recover"/> with the reported state.
    /// </summary>
    private static void TearAtEveryWrite(int writes, Func<IssuanceCard, Iso7816.ResponseApdu> finish, Action<IssuanceCard, int, byte, int> recover)
    {
        for (var w = 1; w <= writes; w++)
        {
            using var card = Prepared();
            card.Device.PowerOff();
            card.Device.ArmTearAtWrite(w);
            card.Device.PowerOn();
            var torn = !TryFlow(() =>
            {
                card.Authenticate();
                Assert.Equal(0x9000, card.Start().SW);
                Assert.Equal(0x9000, finish(card).SW);
            });
            Assert.True(torn, $"no tear at write {w} of {writes}");
            card.Device.DisarmTear();

            card.Device.PowerOn();
            card.Authenticate();
            var (state, preceding, _) = IssuanceCard.Summary(card.Status().Data.Span);
            CheckPrecedingMatchesContent(card, state, preceding, w);
            recover(card, w, state, preceding);
        }
    }

    /// <summary>The number of preceding commands says exactly which commands took effect (checked on the registry).</summary>
    private static void CheckPrecedingMatchesContent(IssuanceCard card, byte state, int preceding, int write)
    {
        if (state is not (0x01 or 0x02 or 0x04))
        {
            return;
        }

        var commands = Script.Value.Commands;
        var dump = card.Device.CanonicalDump();
        var loadIndex = commands.FindIndex(c => c[1] == 0xE8 && (c[2] & 0x80) != 0) + 1;
        var purseIndex = commands.FindIndex(c => c[1] == 0xE6 && c[2] == 0x0C) + 1;
        var dfIndex = commands.FindIndex(c => c[1] == 0xE0) + 1;
        Assert.True(dump.Contains("loadfile F05445535300", StringComparison.Ordinal) == (preceding >= loadIndex), $"write {write}: {preceding} preceding, load file present {!(preceding < loadIndex)} expected\n{dump}");
        Assert.True(dump.Contains("app F0544553530101", StringComparison.Ordinal) == (preceding >= purseIndex), $"write {write}: {preceding} preceding vs purse instance");
        Assert.True(dump.Contains("3F00/4100 DF", StringComparison.Ordinal) == (preceding >= dfIndex), $"write {write}: {preceding} preceding vs DF 4100");
    }

    private static (string Reference, string Before, int Writes) Reference(bool confirm, bool clear)
    {
        using var card = Prepared();
        var before = card.Content();
        card.Device.PowerOff();
        card.Device.PowerOn();
        card.Authenticate();
        Assert.Equal(0x9000, card.Start().SW);
        if (confirm)
        {
            Assert.Equal(0x9000, card.Confirm().SW);
        }

        if (clear)
        {
            Assert.Equal(0x9000, card.Clear().SW);
        }

        var writes = (int)card.Device.PhysicalWritesSincePowerOn;
        return (card.Content(), before, writes);
    }

    private static IssuanceCard Prepared()
    {
        var card = new IssuanceCard(ManagerCards.Profile, capacity: 512 * 1024);
        card.Store(Script.Value.Structure);
        return card;
    }

    private static bool TryFlow(Action flow)
    {
        try
        {
            flow();
            return true;
        }
        catch (CardMuteException)
        {
            return false;
        }
    }
}

using Tessera.Iso7816;

namespace Tessera.Card.Tests.Issuance;

/// <summary>SPEC §4 through bytes: START, GET ISSUANCE STATUS, CLEAR, CONFIRM and what the card does in between.</summary>
public sealed class SelfIssuanceTests
{
    [Fact]
    public void A_stored_script_issues_the_card_in_one_start_and_confirm_makes_it_final()
    {
        using var card = new IssuanceCard();
        var (commands, points) = IssuanceScripts.Full();
        card.Store(ScriptWriter.Write(commands, points, IssuanceScripts.Decisions));

        var start = card.Start();
        Assert.Equal(0x9000, start.SW);
        var (state, preceding, m) = IssuanceCard.Summary(start.Data.Span);
        Assert.Equal((0x02, commands.Count, commands.Count), (state, preceding, m));
        Assert.Equal([0x5F, 0x01], IssuanceCard.ParseStatus(start.Data.Span)[0x83]);

        // Completed but not confirmed: the purse is not selectable from outside, and a new START is refused.
        card.Device.Reset();
        card.Card.Expect("00A4040007" + IssuanceScripts.Purse, 0x6A82);
        card.Authenticate();
        Assert.Equal(0x6985, card.Start().SW);
        Assert.Equal(0x02, IssuanceCard.Summary(card.Status().Data.Span).State);

        Assert.Equal(0x9000, card.Confirm().SW);
        Assert.Equal(0x05, IssuanceCard.Summary(card.Status().Data.Span).State);
        card.Device.Reset();
        card.Card.Expect("00A4040007" + IssuanceScripts.Purse, 0x9000);
        Assert.Equal(Hex.Parse("000003E8000F4240"), card.Card.Expect("8050000000", 0x9000)[..8]);
        card.Card.Expect("00A4040007" + IssuanceScripts.Ticket, 0x9000);
        card.Card.Expect("00A4000C023F00", 0x9000);
        card.Card.Expect("00A4000C024100", 0x9000);
        card.Card.Expect("00A4000C024101", 0x9000);
        Assert.Equal(Enumerable.Range(0, 64).Select(x => (byte)x).ToArray(), card.Card.Expect("00B0000040", 0x9000));
    }

    [Fact]
    public void The_file_management_table_lists_command_storage_efs()
    {
        using var card = new IssuanceCard();
        card.Store(ScriptWriter.Write([Hex.Parse("00A4000C023F00")]), size: 100);
        var table = card.Session!.Expect("80CAFF5000", 0x9000);
        Assert.Equal(Hex.Parse("FF50" + "0D" + "610B" + "83025F01" + "80020064" + "C00101"), table);
    }

    [Fact]
    public void A_failing_command_stops_the_issuance_with_6300_and_E5_naming_it_then_clear_restores_the_card()
    {
        using var card = new IssuanceCard();
        card.Authenticate();
        var before = card.Content();
        var (commands, points) = IssuanceScripts.Full();
        var failing = commands.FindIndex(c => c[1] == 0xE2) + 2;
        commands[failing - 1] = IssuanceScripts.StoreData(1, false, IssuanceScripts.Dgi(0x0177, [0x01]));
        card.Store(ScriptWriter.Write(commands, points, IssuanceScripts.Decisions));
        var afterStore = card.Content();

        var start = card.Start();
        Assert.Equal(0x6300, start.SW);
        var fields = IssuanceCard.ParseStatus(start.Data.Span);
        Assert.Equal(0x03, fields[0xC0][0]);
        Assert.Equal(failing - 1, (fields[0xC1][0] << 8) | fields[0xC1][1]);
        Assert.Equal(failing, (fields[0xC3][0] << 8) | fields[0xC3][1]);
        Assert.Equal(Hex.Parse("80E20001"), fields[0xC4]);
        Assert.Equal([0x6A, 0x80], fields[0xC5]);
        Assert.Equal(failing - 2, (fields[0xC6][0] << 8) | fields[0xC6][1]);

        Assert.Equal(0x9000, card.Clear().SW);
        Assert.Equal(0x06, IssuanceCard.Summary(card.Status().Data.Span).State);
        Assert.Equal(afterStore, card.Content());
        Assert.NotEqual(before, afterStore);
    }
}

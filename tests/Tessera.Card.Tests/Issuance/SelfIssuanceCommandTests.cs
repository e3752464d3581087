using Tessera.Card.Tests.Manager;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Issuance;

/// <summary>The status words and options of SPEC §4.4–§4.7 through bytes, and what stays unchanged when refused.</summary>
public sealed class SelfIssuanceCommandTests
{
    private static readonly byte[] SelectMf = Hex.Parse("00A4000C023F00");

    private static byte[] CreateEf(ushort fid) => Hex.Parse("00E00000" + Lc(TestCard.EfFcp(fid, 16)));

    [Fact]
    public void A_failed_issuance_resumes_at_the_command_the_external_device_picks_after_the_cause_is_fixed()
    {
        using var card = new IssuanceCard();
        byte[][] commands = [SelectMf, CreateEf(0x4201), Hex.Parse("00A4000C024299"), CreateEf(0x4202)];
        var structure = ScriptWriter.Write(commands);
        card.Store(structure);
        var failed = card.Start();
        Assert.Equal(0x6300, failed.SW);
        var fields = IssuanceCard.ParseStatus(failed.Data.Span);
        Assert.Equal(3, fields[0xC3][1]);
        Assert.Equal(Hex.Parse("6A82"), fields[0xC5]);
        Assert.Equal(3, fields[0xC6][1]);

        // P1 01 out of range (beyond preceding + 1) is refused and changes nothing.
        Assert.Equal(0x6A80, card.Start(0x01, 0x00, "83025F01C3020004").SW);

        // Fix the script (select an EF that exists) and resume at command 3.
        commands[2] = Hex.Parse("00A4000C024201");
        card.Write(ScriptWriter.Write(commands));
        var resumed = card.Start(0x01, 0x00, "83025F01C3020003");
        Assert.True(resumed.SW == 0x9000, $"{resumed.SW:X4} {Convert.ToHexString(resumed.Data.Span)}");
        Assert.Equal((0x02, 4, 4), IssuanceCard.Summary(resumed.Data.Span));
        Assert.Equal(0x9000, card.Confirm().SW);
        Assert.Contains("3F00/4202 EF", card.Content(), StringComparison.Ordinal);
    }

    [Fact]
    public void Start_p1_80_discards_the_earlier_state_and_runs_from_command_1()
    {
        using var card = new IssuanceCard();
        card.Store(ScriptWriter.Write([SelectMf, CreateEf(0x4201), Hex.Parse("00A4000C024299")]));
        Assert.Equal(0x6300, card.Start().SW);

        // P1 00 resumes the same structure automatically (and fails at the same command again).
        Assert.Equal(3, IssuanceCard.ParseStatus(card.Start().Data.Span)[0xC3][1]);

        // P1 80 starts over from command 1 on top of the kept effects: CREATE FILE now finds its EF.
        var again = card.Start(0x80, 0x00, "83025F01");
        Assert.Equal(0x6300, again.SW);
        var fields = IssuanceCard.ParseStatus(again.Data.Span);
        Assert.Equal(2, fields[0xC3][1]);
        Assert.Equal(Hex.Parse("6A89"), fields[0xC5]);
        Assert.Equal(1, fields[0xC1][1]);
    }

    [Fact]
    public void Refusals_carry_the_status_words_of_spec_4_4_and_change_nothing()
    {
        using var card = new IssuanceCard();
        card.Store(ScriptWriter.Write([SelectMf, CreateEf(0x4201)]));
        var before = card.Content();
        Assert.Equal(0x6A82, card.Start(0x00, 0x00, "83025F09").SW);
        Assert.Equal(0x6A82, card.Start(0x00, 0x00, "C0057075727365").SW);
        Assert.Equal(0x6A82, card.Start(0x00, 0x00, string.Empty).SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83035F0100").SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83025F01C0017A").SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83025F01C3020001").SW);
        Assert.Equal(0x6A80, card.Start(0x01, 0x00, "83025F01").SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83025F01C10400001000").SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83025F01C20400001000").SW);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "8302").SW);
        Assert.Equal(0x6A86, card.Start(0x02, 0x00).SW);
        Assert.Equal(0x6A86, card.Start(0x00, 0x02).SW);
        Assert.Equal(0x6985, card.Start(0x01, 0x00, "83025F01C3020001").SW);
        Assert.Equal(0x6985, card.Confirm().SW);
        Assert.Equal(0x6985, card.Clear().SW);
        Assert.Equal(before, card.Content());
        Assert.Equal(0x00, IssuanceCard.Summary(card.Status().Data.Span).State);

        // Without a secure channel: START 6985, the others 6982.
        card.Device.Reset();
        Assert.Equal(0x6985, card.Card.Send("805A000004" + "83025F01").SW);
        Assert.Equal(0x6982, card.Card.Send("805B000000").SW);
        Assert.Equal(0x6982, card.Card.Send("805C0000").SW);
        Assert.Equal(0x6982, card.Card.Send("805D0000").SW);
        Assert.Equal(before, card.Content());
    }

    [Fact]
    public void On_the_smallest_card_large_memory_writes_go_in_journal_sized_steps_and_a_write_too_large_is_refused_cleanly()
    {
        using var card = new IssuanceCard(capacity: 64 * 1024);
        card.Authenticate();
        var data = Enumerable.Range(0, 20_000).Select(i => (byte)(i * 7)).ToArray();
        card.Device.MemoryWrite(0x5F05, 0, data);
        Assert.Equal(data, card.Device.MemoryRead(0x5F05, 0, data.Length));
        var before = card.Content();
        Assert.Equal(MemoryAccessError.OutOfRange, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x5F06, 0, new byte[60_000])).Error);
        Assert.Equal(before, card.Content());
        Assert.Equal(0x9000, card.Session!.Send("80CAFF5000").SW); // the card still answers
    }

    [Fact]
    public void Start_on_a_locked_card_gets_6985()
    {
        using var card = new IssuanceCard(ManagerCards.Profile with { LifeCycle = "SECURED" });
        card.Store(ScriptWriter.Write([SelectMf, CreateEf(0x4201)]));
        Assert.Equal(0x9000, card.Session!.Send("80F0807F00").SW);
        var before = card.Content();
        Assert.Equal(0x6985, card.Start().SW);
        Assert.Equal(before, card.Content());
    }

    public static TheoryData<string, string> MalformedStructures => new()
    {
        { "truncated header", "0100" },
        { "version 02", "02000001" + "00000007" + "00A4000C023F00" },
        { "undefined flag", "01080001" + "00000007" + "00A4000C023F00" },
        { "m = 0", "01000000" },
        { "m larger than the commands", "01000002" + "00000007" + "00A4000C023F00" },
        { "length that lies (too long)", "01000001" + "00000009" + "00A4000C023F00" },
        { "length past the end", "01000001" + "7FFFFFFF" + "00A4000C023F00" },
        { "command not an APDU", "01000001" + "00000003" + "00A400" },
        { "Lc that lies inside the APDU", "01000001" + "00000007" + "00A4000C053F00" },
        { "recovery point for command 0", "01010001" + "0001" + "0000" + "0000000A" + "00000007" + "00A4000C023F00" },
        { "recovery point beyond m", "01010001" + "0001" + "0002" + "0000000A" + "00000007" + "00A4000C023F00" },
        { "recovery point offset that lies", "01010001" + "0001" + "0001" + "0000000B" + "00000007" + "00A4000C023F00" },
        { "recovery points past the end", "01010001" + "0005" + "0001" + "0000000A" },
        { "decision verdict 02", "01020001" + "01" + "6A89FFFF02" + "00000007" + "00A4000C023F00" },
        { "decision table past the end", "01020001" + "03" + "6A89FFFF00" },
    };

    [Theory]
    [MemberData(nameof(MalformedStructures))]
    public void A_malformed_structure_gets_6A80_and_nothing_runs(string what, string hex)
    {
        using var card = new IssuanceCard();
        var structure = Hex.Parse(hex);
        card.Store(structure);
        var before = card.Content();
        var start = card.Start(0x00, 0x00, $"83025F01C204{structure.Length:X8}");
        Assert.True(start.SW == 0x6A80, $"{what}: {start.SW:X4}");
        Assert.Equal(before, card.Content());
        Assert.Equal(0x00, IssuanceCard.Summary(card.Status().Data.Span).State);
    }

    [Fact]
    public void A_structure_can_sit_inside_an_ef_at_an_offset_with_a_length()
    {
        using var card = new IssuanceCard();
        var structure = ScriptWriter.Write([SelectMf, CreateEf(0x4201)]);
        byte[] file = [.. new byte[100], .. structure, .. Enumerable.Repeat((byte)0xEE, 50)];
        card.Store(file);
        Assert.Equal(0x6A80, card.Start(0x00, 0x00, "83025F01C10400000064C20400000100").SW);
        var start = card.Start(0x00, 0x00, $"83025F01C10400000064C204{structure.Length:X8}");
        Assert.Equal(0x9000, start.SW);
        Assert.Equal((0x02, 2, 2), IssuanceCard.Summary(start.Data.Span));
    }

    [Fact]
    public void A_pre_stored_command_group_runs_by_name_or_as_the_default_without_any_data_transfer()
    {
        var purse = ScriptWriter.Write([SelectMf, CreateEf(0x4301)]);
        var transit = ScriptWriter.Write([SelectMf, CreateEf(0x4302)]);
        var profile = ManagerCards.Profile with
        {
            CommandStorage =
            [
                new CommandGroupProfile { Fid = "5F10", Name = "purse", Content = Convert.ToHexString(purse) },
                new CommandGroupProfile { Fid = "5F11", Name = "transit", Content = Convert.ToHexString(transit) },
            ],
        };
        using var card = new IssuanceCard(profile);
        card.Authenticate();
        var table = card.Session!.Expect("80CAFF5000", 0x9000);
        Assert.Contains(Convert.ToHexString(System.Text.Encoding.UTF8.GetBytes("transit")), Convert.ToHexString(table), StringComparison.Ordinal);

        Assert.Equal(0x9000, card.Start(0x00, 0x00, "C0077472616E736974").SW);
        Assert.Equal(0x9000, card.Confirm().SW);
        Assert.Contains("3F00/4302 EF", card.Content(), StringComparison.Ordinal);

        Assert.Equal(0x9000, card.Start(0x00, 0x00, string.Empty).SW);
        Assert.Equal(0x9000, card.Confirm().SW);
        Assert.Contains("3F00/4301 EF", card.Content(), StringComparison.Ordinal);
        Assert.Equal(0x6A82, card.Start(0x00, 0x00, "C0036E6F6E").SW);
    }

    [Fact]
    public void A_sealed_structure_runs_and_one_flipped_bit_anywhere_gets_6A80_and_runs_nothing()
    {
        using var card = new IssuanceCard();
        card.Authenticate();
        var publicKey = card.Card.Send("80CADF5100");
        Assert.Equal(0x6982, publicKey.SW); // inside the session every command is wrapped, and this one ended it
        card.Authenticate();
        var dataObject = card.Session!.Expect("80CADF5100", 0x9000);
        Assert.Equal(Hex.Parse("DF5141"), dataObject[..3]);
        var cardKey = dataObject[3..];

        card.Authenticate();
        var plain = ScriptWriter.Write([SelectMf, CreateEf(0x4401), CreateEf(0x4402)]);
        var header = plain[..4];
        header[1] |= 0x04;
        var sealedFile = IssuanceSeal.Seal(header, plain[4..], cardKey);
        card.Store(sealedFile);
        var before = card.Content();
        foreach (var bit in new[] { 8, 4 * 8, (10 * 8) + 3, sealedFile.Length * 4, (sealedFile.Length * 8) - 1 })
        {
            var broken = (byte[])sealedFile.Clone();
            broken[bit / 8] ^= (byte)(1 << (bit % 8));
            card.Write(broken);
            var refused = card.Start();
            Assert.True(refused.SW is 0x6A80, $"bit {bit}: {refused.SW:X4}");
            Assert.Equal(0x00, IssuanceCard.Summary(card.Status().Data.Span).State);
        }

        card.Write(sealedFile);
        var start = card.Start();
        Assert.Equal(0x9000, start.SW);
        Assert.Equal((0x02, 3, 3), IssuanceCard.Summary(start.Data.Span));
        Assert.Equal(0x9000, card.Confirm().SW);
        Assert.Contains("3F00/4402 EF", card.Content(), StringComparison.Ordinal);
        Assert.NotEqual(before, card.Content());
    }

    [Fact]
    public void The_memory_interface_writes_command_storage_only_in_an_authorised_session_and_on_direct_access_efs()
    {
        using var card = new IssuanceCard();
        var structure = ScriptWriter.Write([SelectMf, CreateEf(0x4501)]);
        card.Authenticate();
        card.Session!.Expect("00A4000C027F50", 0x9000);
        card.Session.Expect("00E00000" + Lc(TestCard.EfFcp(0x5F01, structure.Length, 0x01, 0x30, 0x30, 0x30)), 0x9000);
        card.Session.Expect("00E00000" + Lc(TestCard.EfFcp(0x5F02, 64, 0x00, 0x30, 0x30, 0x30)), 0x9000);
        card.Session.Expect("00A4000C023F00", 0x9000);

        Assert.Equal(MemoryAccessError.AccessDenied, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x5F02, 0, new byte[4])).Error);
        Assert.Equal(MemoryAccessError.NotFound, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x5F03, 1, new byte[4])).Error);
        Assert.Equal(MemoryAccessError.AccessDenied, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x3F00, 0, new byte[4])).Error);

        // A write at offset 0 to an FID command storage does not hold saves it as a new EF of that size.
        card.Device.MemoryWrite(0x5F04, 0, [1, 2, 3, 4, 5]);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5 }, card.Device.MemoryRead(0x5F04, 0, 5));
        Assert.Contains("3F00/7F50/5F04 EF flags=01 ac=30303000 size=5 data=0102030405", card.Content(), StringComparison.Ordinal);
        Assert.Equal(MemoryAccessError.OutOfRange, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x5F01, 1, structure)).Error);
        card.Device.MemoryWrite(0x5F01, 0, structure);
        Assert.Equal(structure, card.Device.MemoryRead(0x5F01, 0, structure.Length));
        Assert.Equal(0x9000, card.Start().SW);

        // A new power cycle has no memory-interface session until the ISD authenticates again.
        card.Device.PowerOff();
        card.Device.PowerOn();
        Assert.Equal(MemoryAccessError.AccessDenied, Assert.Throws<MemoryAccessException>(() => card.Device.MemoryWrite(0x5F01, 0, new byte[4])).Error);
    }

    [Fact]
    public void Privileged_mode_refuses_every_outside_command_and_memory_access_while_a_background_issuance_runs()
    {
        using var card = new IssuanceCard();
        var (commands, points) = IssuanceScripts.Full(loadBlockSize: 16); // about 900 LOADs: a run long enough to meet
        var structure = ScriptWriter.Write(commands, points, IssuanceScripts.Decisions);
        card.Store(structure);
        card.Device.PowerOn(CardInterface.Contactless);
        var other = new TestCard(card.Device) { Interface = CardInterface.Contactless };
        other.Expect("0070000001", 0x9000);
        var before = card.Content();

        var started = card.Start(0x00, 0x01);
        Assert.Equal(0x9000, started.SW);
        Assert.Equal(0x01, IssuanceCard.Summary(started.Data.Span).State);
        var refusals = 0;
        while (card.Device.IsPowered(CardInterface.Contact))
        {
            // The privileged mode only ends once: when the last probe is still refused, all earlier ones met it too.
            var memory = Record.Exception(() => card.Device.MemoryWrite(IssuanceCard.ScriptFid, 0, new byte[4]));
            var contactless = other.Send("01A4000C023F00");
            var status = card.Card.Send("80CADF5200");
            var contact = card.Card.Send("0070000001");
            if (contact.SW != 0x6985)
            {
                break;
            }

            Assert.Equal(0x6985, contactless.SW);
            Assert.Equal(0x6985, status.SW);
            Assert.Equal(MemoryAccessError.Busy, Assert.IsType<MemoryAccessException>(memory).Error);
            refusals++;
        }

        Assert.True(card.Device.WaitForBackgroundIssuance(TimeSpan.FromSeconds(30)));
        Assert.True(refusals > 0, "the issuance ended before any outside command met the privileged mode");

        // Nothing the refused commands asked for happened: only the last MANAGE CHANNEL (answered after the end)
        // opened a channel, so channel 2 is still closed.
        Assert.Equal(0x9000, card.Card.Send("01A4000C023F00").SW);
        Assert.Equal(0x6881, card.Card.Send("02A4000C023F00").SW);
        Assert.Equal(0x9000, other.Send("01A4000C023F00").SW); // channel 1 of the contactless side was opened before START
        card.Authenticate();
        Assert.Equal((0x02, commands.Count, commands.Count), IssuanceCard.Summary(card.Status().Data.Span));
        Assert.NotEqual(before, card.Content());

        // The refused memory-interface writes (4 zero bytes at offset 0) left the script intact; the last probe may
        // have come after the end and been accepted.
        var script = card.Device.MemoryRead(IssuanceCard.ScriptFid, 0, structure.Length);
        Assert.Equal(structure[4..], script[4..]);
        Assert.True(script.AsSpan(0, 4).SequenceEqual(structure.AsSpan(0, 4)) || script.AsSpan(0, 4).SequenceEqual(new byte[4]));
    }

    [Fact]
    public void A_reset_during_a_background_issuance_interrupts_it_and_start_p1_00_completes_it()
    {
        using var card = new IssuanceCard();
        var (commands, points) = IssuanceScripts.Full(loadBlockSize: 100);
        card.Store(ScriptWriter.Write(commands, points, IssuanceScripts.Decisions));
        Assert.Equal(0x9000, card.Start(0x00, 0x01).SW);
        card.Device.Reset();
        Assert.True(card.Device.WaitForBackgroundIssuance(TimeSpan.FromSeconds(30)));
        card.Authenticate();
        var (state, preceding, m) = IssuanceCard.Summary(card.Status().Data.Span);
        Assert.True(state is 0x04 or 0x02, $"state {state:X2}");
        Assert.True(preceding <= m);
        if (state == 0x04)
        {
            Assert.Equal(0x9000, card.Start().SW);
        }

        Assert.Equal(0x9000, card.Confirm().SW);
    }

    private static string Lc(string hex) => $"{hex.Length / 2:X2}{hex}";
}

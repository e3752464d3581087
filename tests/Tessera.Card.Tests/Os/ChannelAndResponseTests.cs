using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.Os;

/// <summary>Logical channels, GET RESPONSE, 6CXX, malformed APDUs and power behaviour (SPEC §1, §2).</summary>
public sealed class ChannelAndResponseTests : IDisposable
{
    private readonly TestCard card = new();

    public void Dispose() => card.Dispose();

    [Fact]
    public void PowerOnAnswersTheDefaultAtr()
    {
        Assert.Equal(Hex.Parse("3B 89 80 01 80 57 54 45 53 53 45 52 41 98"), card.Device.PowerOn());
    }

    [Fact]
    public void ManageChannelOpensAndClosesChannelsWithTheirOwnSelection()
    {
        card.Expect(Create(EfFcp(0x0101, 2)), 0x9000);
        card.Expect("00D600000211 11", 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        card.Expect(Create(EfFcp(0x0102, 2)), 0x9000);
        card.Expect("00D60000022222", 0x9000);
        Assert.Equal(new byte[] { 0x01 }, card.Expect("0070000001", 0x9000));
        Assert.Equal(new byte[] { 0x02 }, card.Expect("0070000001", 0x9000));
        Assert.Equal(new byte[] { 0x03 }, card.Expect("0070000001", 0x9000));
        card.Expect("0070000001", 0x6A81);
        card.Expect("01A4020C020101", 0x9000);
        Assert.Equal(Hex.Parse("1111"), card.Expect("01B0000002", 0x9000));
        Assert.Equal(Hex.Parse("2222"), card.Expect("00B0000002", 0x9000));
        card.Expect("02B0000002", 0x6986);
        card.Expect("00708000", 0x6A86);
        card.Expect("00708002", 0x9000);
        card.Expect("02B0000002", 0x6881);
        card.Expect("00708002", 0x6200);
        card.Expect("00708000", 0x6A86);
        card.Expect("00708009", 0x6A86);
        Assert.Equal(new byte[] { 0x02 }, card.Expect("0070000001", 0x9000));
        card.Expect("00700003", 0x6A86);
        card.Expect("0070000001", 0x6A81);
        card.Expect("00701000", 0x6A86);
    }

    [Fact]
    public void ChannelsAreClearedByResetAndPowerOff()
    {
        card.Expect("0070000001", 0x9000);
        card.Device.Reset();
        card.Expect("01A4000C023F00", 0x6881);
        card.Expect("0070000001", 0x9000);
        card.Device.PowerOff();
        Assert.Throws<CardMuteException>(() => card.Send("00A4000C023F00"));
        card.Device.PowerOn();
        card.Expect("01A4000C023F00", 0x6881);
    }

    [Fact]
    public void ContactAndContactlessHaveSeparateChannels()
    {
        card.Expect("0070000001", 0x9000);
        card.Device.PowerOn(CardInterface.Contactless);
        card.Interface = CardInterface.Contactless;
        card.Expect("01A4000C023F00", 0x6881);
        Assert.Equal(new byte[] { 0x01 }, card.Expect("0070000001", 0x9000));
        card.Device.PowerOff(CardInterface.Contactless);
        Assert.Throws<CardMuteException>(() => card.Send("00A4000C023F00"));
        card.Interface = CardInterface.Contact;
        card.Expect("01A4000C023F00", 0x9000);
    }

    [Fact]
    public void LongResponsesChainWith61XxAndGetResponse()
    {
        card.Expect(Create(EfFcp(0x0101, 600)), 0x9000);
        var content = Enumerable.Range(0, 600).Select(i => (byte)(i % 251)).ToArray();
        card.Expect(new CommandApdu(0x00, 0xD6, 0, 0, content), 0x9000);
        // SELECT with FCP and Le 05 (case 4): the first 5 bytes and 61XX, the rest with GET RESPONSE
        var fcp = card.Expect("00A40000020101", 0x9000);
        Assert.Equal(fcp[..5], card.Expect("00A400000201 0105", (ushort)(0x6100 | (fcp.Length - 5))));
        Assert.Equal(fcp[5..], card.Expect($"00C00000{fcp.Length - 5:X2}", 0x9000));
        // GET DATA DF52 is 7 bytes; Le 2 gives 6C07
        card.Expect("80CADF5202", 0x6C07);
        // GET RESPONSE without pending data
        card.Expect("00C0000000", 0x6985);
        card.Expect("00C0000100", 0x6A86);
        // READ BINARY returns at most Ne bytes, with no chaining
        var first = card.Send(new CommandApdu(0x00, 0xB0, 0, 0, ne: 256));
        Assert.Equal(0x9000, first.SW);
        Assert.Equal(content[..256], first.Data.ToArray());
    }

    [Fact]
    public void GetResponseDeliversTheRestInPieces()
    {
        // A case-3 SELECT (no Le) of a DF whose FCP is longer than Ne 0x10 through case 4 with Le 10
        card.Expect(Create(DfFcp(0x1000, "A000000001020304050607080910")), 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        var whole = card.Expect("00A40000021000", 0x9000);
        var part = card.Send("00A4000002100010");
        Assert.Equal(0x61, part.StatusWord.Sw1);
        Assert.Equal(whole[..16], part.Data.ToArray());
        card.Expect("0070000001", 0x9000);
        // extended case 4 with Ne 16: the first 16 bytes and 61XX with the rest
        var extended = card.Send(new CommandApdu(0x01, 0xA4, 0x08, 0x00, Hex.Parse("1000"), ne: 16, extended: true));
        Assert.Equal(0x61, extended.StatusWord.Sw1);
        Assert.Equal(whole.Length - 16, extended.StatusWord.Sw2);
        var rest = card.Expect($"01C00000{whole.Length - 16 - 4:X2}", (ushort)0x6104);
        var last = card.Expect("01C0000004", 0x9000);
        Assert.Equal(whole, extended.Data.ToArray().Concat(rest).Concat(last).ToArray());
        card.Expect("01C0000004", 0x6985);
    }

    [Fact]
    public void MalformedApdusGetWrongLengthOrClassErrors()
    {
        card.Expect("00", 0x6700);
        card.Expect("00A4", 0x6700);
        card.Expect("00A400", 0x6700);
        card.Expect("00A4000C02 3F", 0x6700);
        card.Expect("00A4000C003F", 0x6700);
        card.Expect("00A4000C00000201", 0x6700);
        card.Expect("FFA4000C023F00", 0x6E00);
        card.Expect("20A4000C023F00", 0x6E00);
        card.Expect("0012000000", 0x6D00);
        card.Expect("80F2400000", 0x6982); // the implicitly selected ISD answers GET STATUS: no secure channel
    }

    [Fact]
    public void GetChallengeAnswersNeRandomBytes()
    {
        var a = card.Expect("0084000008", 0x9000);
        var b = card.Expect("0084000008", 0x9000);
        Assert.Equal(8, a.Length);
        Assert.NotEqual(a, b);
        card.Expect("00840000", 0x6700);
        card.Expect("0084010008", 0x6A86);
    }
}

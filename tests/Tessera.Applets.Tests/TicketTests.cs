using System.Buffers.Binary;
using System.Text;
using Tessera.Card.Tests.Runtime;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Applets.Tests;

/// <summary>The ticket through APDU bytes (docs/PROTOCOL.md, "Built-in applets").</summary>
public sealed class TicketTests
{
    private const string Instance = "F054455353020101";
    private static readonly byte[] IssuerKey = Hex.Parse("000102030405060708090A0B0C0D0E0F");
    private readonly AppletBench bench = new();

    public TicketTests()
    {
        bench.Install(bench.Load(AppletBench.AppletsLoadFile), "F0544553530201", Instance);
        Assert.Equal(0x9000, bench.Select(Instance));
    }

    [Fact]
    public void IssuerFieldsAreReadableAfterPersonalisation()
    {
        Personalise();
        var ticket = Parse(bench.Expect("8060000000", 0x9000));
        Assert.Equal("Concert 2030", Encoding.ASCII.GetString(Field(ticket, 0xC1)));
        Assert.Equal("B-12", Encoding.ASCII.GetString(Field(ticket, 0xC2)));
        Assert.Equal("Ada", Encoding.ASCII.GetString(Field(ticket, 0xC3)));
        Assert.Equal(Hex.Parse("20301231"), Field(ticket, 0xC4));
        Assert.Equal([0x00], Field(ticket, 0xC5));
        Assert.Equal([0, 0, 0, 0], Field(ticket, 0xC6));
    }

    [Fact]
    public void ATicketIsPunchedOnce()
    {
        Personalise();
        bench.Expect("80640000", 0x9000);
        bench.Expect("80640000", 0x6985);
        Assert.Equal([0x01], Field(Parse(bench.Expect("8060000000", 0x9000)), 0xC5));
    }

    [Fact]
    public void TheIssuerChangesTheSeatWithAMacThatIsGoodOnce()
    {
        Personalise();
        var update = UpdateSeat("C-7", 0, IssuerKey);
        bench.Expect(update, 0x9000);
        bench.Expect(update, 0x6982);
        bench.Expect(UpdateSeat("D-1", 1, Hex.Parse("FF0102030405060708090A0B0C0D0E0F")), 0x6982);
        var ticket = Parse(bench.Expect("8060000000", 0x9000));
        Assert.Equal("C-7", Encoding.ASCII.GetString(Field(ticket, 0xC2)));
        Assert.Equal([0, 0, 0, 1], Field(ticket, 0xC6));
    }

    [Fact]
    public void AnUnpersonalisedTicketRefusesUse()
    {
        bench.Expect("8060000000", 0x6985);
        bench.IsdSecureChannel = true;
        var seat = Hex.Format(Dgi.Encode(0x0202, "A-1"u8));
        bench.Expect($"80E28000{seat.Length / 2:X2}{seat}", 0x6985);
    }

    private void Personalise()
    {
        var writer = new DgiWriter();
        writer.Write(0x0201, "Concert 2030"u8);
        writer.Write(0x0202, "B-12"u8);
        writer.Write(0x0203, "Ada"u8);
        writer.Write(0x0204, Hex.Parse("20301231"));
        var first = writer.ToArray();
        var key = Dgi.Encode(0x8201, IssuerKey);
        bench.IsdSecureChannel = true;
        bench.Expect($"80E20000{first.Length:X2}{Hex.Format(first)}", 0x9000);
        bench.Expect($"80E28001{key.Length:X2}{Hex.Format(key)}", 0x9000);
        bench.IsdSecureChannel = false;
    }

    private static string UpdateSeat(string seat, uint counter, byte[] key)
    {
        var seatBytes = Encoding.ASCII.GetBytes(seat);
        var input = new byte[8 + 1 + seatBytes.Length + 4];
        Hex.Parse(Instance).CopyTo(input, 0);
        input[8] = 0x62;
        seatBytes.CopyTo(input, 9);
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(9 + seatBytes.Length), counter);
        var mac = AesCmac.Compute(key, input)[..8];
        return $"80620000{seatBytes.Length + 8:X2}{Hex.Format(seatBytes)}{Hex.Format(mac)}";
    }

    private static List<(BerTag Tag, byte[] Value)> Parse(byte[] data)
    {
        var elements = new List<(BerTag, byte[])>();
        for (var at = 0; at < data.Length;)
        {
            var value = BerTlv.ReadElement(data.AsSpan(at), out var tag, out var consumed);
            elements.Add((tag, value.ToArray()));
            at += consumed;
        }

        return elements;
    }

    private static byte[] Field(List<(BerTag Tag, byte[] Value)> elements, uint tag) =>
        elements.Single(e => e.Tag == new BerTag(tag)).Value;
}

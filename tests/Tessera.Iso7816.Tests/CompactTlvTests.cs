using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class CompactTlvTests
{
    [Fact]
    public void Reads_the_Tessera_historical_bytes()
    {
        // SPEC §1: historical bytes 80 57 'TESSERA' = category indicator 80, then COMPACT-TLV tag 5 (issuer data), length 7.
        var historical = H("80 57 54 45 53 53 45 52 41");
        Assert.Equal(0x80, historical[0]);
        var value = CompactTlv.ReadElement(historical.AsSpan(1), out var tag, out var consumed);
        Assert.Equal(5, tag);
        Assert.Equal("TESSERA", System.Text.Encoding.ASCII.GetString(value));
        Assert.Equal(8, consumed);
        Assert.Equal(historical[1..], CompactTlv.Encode(5, "TESSERA"u8));
    }

    [Fact]
    public void Reads_published_historical_bytes()
    {
        // Yubico YubiKey 5 NFC ATR (pcsc-tools smartcard_list.txt): historical bytes 80 | 73 C021C0 | 57 'YubiKey'.
        var atr = Atr.Parse("3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40");
        var historical = atr.HistoricalBytes[1..];
        var reader = new CompactTlvReader(historical);
        Assert.Equal(H("C021C0"), reader.ReadElement(out var capabilities).ToArray());
        Assert.Equal(7, capabilities); // card capabilities
        Assert.Equal("YubiKey"u8.ToArray(), reader.ReadElement(out var issuerData).ToArray());
        Assert.Equal(5, issuerData);
        Assert.False(reader.HasData);

        var writer = new CompactTlvWriter();
        writer.Write(7, H("C021C0"));
        writer.Write(5, "YubiKey"u8);
        Assert.Equal(historical.ToArray(), writer.ToArray());
        Assert.Equal(historical.Length, writer.Length);
    }

    [Fact]
    public void Every_tag_and_length_round_trips()
    {
        for (byte tag = 0; tag <= 15; tag++)
        {
            for (var length = 0; length <= 15; length++)
            {
                var encoded = CompactTlv.Encode(tag, Pattern(length, tag));
                Assert.Equal((byte)((tag << 4) | length), encoded[0]);
                Assert.True(CompactTlv.TryReadElement(encoded, out var t, out var v, out var consumed));
                Assert.Equal(tag, t);
                Assert.True(v.SequenceEqual(Pattern(length, tag)));
                Assert.Equal(1 + length, consumed);
            }
        }
    }

    [Fact]
    public void Rejections()
    {
        Assert.False(CompactTlv.TryReadElement([], out _, out _, out _));
        Assert.False(CompactTlv.TryReadElement(H("57 5445"), out _, out _, out _));
        var reader = new CompactTlvReader(H("31 C0 57 5445"));
        Assert.Equal(H("C0"), reader.ReadElement(out _).ToArray());
        var e = Assert.Throws<TlvFormatException>(() => reader.ReadElement(out _));
        Assert.Equal(2, e.Offset);
        Assert.Equal(2, reader.Position);
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactTlv.Encode(16, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => CompactTlv.Encode(1, new byte[16]));
    }

    [Fact]
    public void TryFind_does_not_move_the_reader()
    {
        var reader = new CompactTlvReader(H("31 C0 57 54455353455241"));
        Assert.True(reader.TryFind(5, out var issuer));
        Assert.Equal("TESSERA"u8.ToArray(), issuer.ToArray());
        Assert.False(reader.TryFind(6, out _));
        Assert.Equal(0, reader.Position);
    }
}

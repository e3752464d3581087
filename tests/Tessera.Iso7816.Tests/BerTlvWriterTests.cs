using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class BerTlvWriterTests
{
    [Fact]
    public void Writes_the_published_FCI()
    {
        // martinpaljak/apdu4j README trace, GPCS 2.3.1 Table 11-82 layout.
        var writer = new BerTlvWriter();
        using (writer.PushConstructed(new BerTag(0x6F)))
        {
            writer.Write(new BerTag(0x84), H("A000000003000000"));
            using (writer.PushConstructed(new BerTag(0xA5)))
            {
                writer.Write(new BerTag(0x9F65), H("FF"));
            }
        }

        Assert.Equal(H("6F108408A000000003000000A5049F6501FF"), writer.Encode());
        Assert.Equal(18, writer.GetEncodedLength());
    }

    [Fact]
    public void Writes_the_published_GET_STATUS_entry_with_Push_and_Pop()
    {
        // standards.md §2.5 (GPPRO TestParseTags).
        var writer = new BerTlvWriter();
        writer.PushConstructed(new BerTag(0xE3));
        writer.Write(new BerTag(0x4F), H("A0000001510000"));
        writer.Write(new BerTag(0x9F70), H("07"));
        writer.Write(new BerTag(0xC5), H("80"));
        writer.PushConstructed(new BerTag(0xEA));
        writer.Write(new BerTag(0x80), []);
        Assert.Equal(2, writer.Depth);
        writer.PopConstructed(new BerTag(0xEA));
        writer.PopConstructed();
        Assert.Equal(0, writer.Depth);
        Assert.Equal(H("E3144F07A00000015100009F700107C50180EA028000"), writer.ToArray());
    }

    [Theory]
    [InlineData(125, "7F")]
    [InlineData(126, "8180")]
    [InlineData(252, "81FF")]
    [InlineData(253, "820100")]
    [InlineData(65531, "82FFFF")]
    [InlineData(65532, "83010000")]
    public void Constructed_lengths_switch_form_at_the_boundaries(int innerValueLength, string outerLength)
    {
        // The inner object 04 <len> value has 1 + (1, 2 or 3) + innerValueLength bytes.
        var inner = BerTlv.Encode(new BerTag(0x04), Pattern(innerValueLength));
        var contentLength = inner.Length;
        var writer = new BerTlvWriter();
        using (writer.PushConstructed(new BerTag(0x30)))
        {
            writer.Write(new BerTag(0x04), Pattern(innerValueLength));
        }

        var encoded = writer.Encode();
        Assert.Equal(Concat(H("30"), BerTlv.EncodeLength(contentLength), inner), encoded);
        Assert.Equal(Concat(H("30"), H(outerLength)), encoded[..(1 + (outerLength.Length / 2))]);
        Assert.Equal(contentLength, BerTlv.ReadElement(encoded, out _, out _).Length);
    }

    [Fact]
    public void Three_levels_round_trip_through_the_reader()
    {
        var writer = new BerTlvWriter();
        using (writer.PushConstructed(new BerTag(0xFF50)))
        {
            for (var i = 0; i < 20; i++)
            {
                using (writer.PushConstructed(new BerTag(0x61)))
                {
                    writer.Write(new BerTag(0x83), [0x7F, (byte)i]);
                    using (writer.PushConstructed(new BerTag(0xBF0C)))
                    {
                        writer.Write(new BerTag(0xDF8101), Pattern(i * 10, i));
                    }
                }
            }
        }

        var reader = new BerTlvReader(writer.Encode());
        var table = reader.ReadConstructed(new BerTag(0xFF50));
        for (var i = 0; i < 20; i++)
        {
            var entry = table.ReadConstructed(new BerTag(0x61));
            Assert.Equal(new byte[] { 0x7F, (byte)i }, entry.ReadValue(new BerTag(0x83)).ToArray());
            var deepest = entry.ReadConstructed(new BerTag(0xBF0C));
            Assert.Equal(Pattern(i * 10, i), deepest.ReadValue(new BerTag(0xDF8101)).ToArray());
        }

        Assert.False(table.HasData);
    }

    [Fact]
    public void Misuse_is_refused()
    {
        var writer = new BerTlvWriter();
        Assert.Throws<InvalidOperationException>(writer.PopConstructed);
        Assert.Throws<ArgumentException>(() => writer.PushConstructed(new BerTag(0x84)));
        Assert.Throws<ArgumentException>(() => writer.PushConstructed(default));

        var outer = writer.PushConstructed(new BerTag(0x6F));
        Assert.Throws<InvalidOperationException>(() => writer.Encode());
        Assert.Throws<InvalidOperationException>(() => writer.GetEncodedLength());
        var inner = writer.PushConstructed(new BerTag(0xA5));
        Assert.Throws<InvalidOperationException>(() => writer.PopConstructed(new BerTag(0x6F)));
        Assert.Throws<InvalidOperationException>(outer.Dispose);
        inner.Dispose();
        outer.Dispose();
        Assert.Equal(H("6F02A500"), writer.Encode());

        writer.Reset();
        Assert.Empty(writer.Encode());
    }

    [Fact]
    public void WriteEncoded_appends_checked_TLV()
    {
        var writer = new BerTlvWriter();
        using (writer.PushConstructed(new BerTag(0x70)))
        {
            writer.WriteEncoded(H("5A0847617390010100105F24032512319F0702FF00"));
        }

        Assert.Equal(H("7015 5A0847617390010100105F24032512319F0702FF00"), writer.Encode());
        var e = Assert.Throws<TlvFormatException>(() => writer.WriteEncoded(H("5A02AA 9F07")));
        Assert.Equal(5, e.Offset);
    }

    [Fact]
    public void Encode_into_a_span()
    {
        var writer = new BerTlvWriter();
        writer.Write(new BerTag(0x4F), H("A000000151000000"));
        var buffer = new byte[12];
        Assert.Equal(10, writer.Encode(buffer));
        Assert.Equal(H("4F08A000000151000000"), buffer[..10]);
        Assert.Throws<ArgumentException>(() => writer.Encode(new byte[9]));
    }
}

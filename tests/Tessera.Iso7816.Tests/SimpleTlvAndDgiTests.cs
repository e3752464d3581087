using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class SimpleTlvAndDgiTests
{
    // standards.md §6.1 and §8: 1 byte 00-FE, else FF + 2 bytes (ISO SIMPLE-TLV; GP Scripting Annex B for DGIs).
    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "01")]
    [InlineData(254, "FE")]
    [InlineData(255, "FF00FF")]
    [InlineData(256, "FF0100")]
    [InlineData(65535, "FFFFFF")]
    public void Length_encoding(int length, string expected)
    {
        Assert.Equal(H(expected), SimpleTlv.EncodeLength(length));
        Assert.Equal(expected.Length / 2, SimpleTlv.GetLengthSize(length));

        var simple = SimpleTlv.Encode(0x42, Pattern(length));
        Assert.Equal(Concat(H("42"), H(expected), Pattern(length)), simple);
        Assert.Equal(Pattern(length), SimpleTlv.ReadElement(simple, out var tag, out var consumed).ToArray());
        Assert.Equal(0x42, tag);
        Assert.Equal(simple.Length, consumed);

        var dgi = Dgi.Encode(0x8201, Pattern(length));
        Assert.Equal(Concat(H("8201"), H(expected), Pattern(length)), dgi);
        Assert.True(Dgi.TryReadElement(dgi, out var number, out var value, out consumed));
        Assert.Equal(0x8201, number);
        Assert.True(value.SequenceEqual(Pattern(length)));
        Assert.Equal(dgi.Length, consumed);
    }

    [Fact]
    public void Long_length_form_for_small_values_is_read()
    {
        Assert.Equal(5, SimpleTlv.ReadLength(H("FF0005 0102030405"), out var size));
        Assert.Equal(3, size);
    }

    [Theory]
    [InlineData("", "input ends")]
    [InlineData("FF", "truncated")]
    [InlineData("FF01", "truncated")]
    [InlineData("03 0102", "past the end")]
    [InlineData("FF0100 00", "past the end")]
    public void Length_rejections(string hex, string reason)
    {
        Assert.False(SimpleTlv.TryReadLength(H(hex), out _, out _));
        Assert.Contains(reason, Assert.Throws<TlvFormatException>(() => SimpleTlv.ReadLength(H(hex), out _)).Message);
    }

    [Theory]
    [InlineData("00 01 AA")]
    [InlineData("FF 01 AA")]
    [InlineData("42")]
    [InlineData("42 02 AA")]
    public void Simple_element_rejections(string hex)
    {
        Assert.False(SimpleTlv.TryReadElement(H(hex), out _, out _, out _));
        Assert.Throws<TlvFormatException>(() => SimpleTlv.ReadElement(H(hex), out _, out _));
    }

    [Fact]
    public void Simple_tags_00_and_FF_are_not_written()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SimpleTlv.Encode(0x00, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimpleTlv.Encode(0xFF, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => SimpleTlv.Encode(0x01, new byte[65536]));
    }

    [Fact]
    public void Simple_reader_and_writer()
    {
        var writer = new SimpleTlvWriter();
        writer.Write(0x01, H("AABB"));
        writer.Write(0xFE, Pattern(300));
        writer.Write(0x02, []);
        var bytes = writer.ToArray();
        Assert.Equal(Concat(H("01 02 AABB FE FF012C"), Pattern(300), H("02 00")), bytes);

        var reader = new SimpleTlvReader(bytes);
        Assert.True(reader.TryFind(0x02, out var empty));
        Assert.True(empty.IsEmpty);
        Assert.Equal(H("AABB"), reader.ReadElement(out var t1).ToArray());
        Assert.Equal(0x01, t1);
        Assert.Equal(Pattern(300), reader.ReadElement(out var t2).ToArray());
        Assert.Equal(0xFE, t2);
        reader.ReadElement(out _);
        Assert.False(reader.HasData);
    }

    [Fact]
    public void STORE_DATA_stream_of_DGIs()
    {
        // EMV CPS style: DGI 0070 carries BER-TLV for a security domain (standards.md §6.1), DGI 8000 three
        // 16-byte keys, DGI 9000 their check values.
        var writer = new DgiWriter();
        writer.Write(0x0070, H("5F2002414E"));
        writer.Write(0x8000, Pattern(48));
        writer.Write(0x9000, H("112233 445566 778899"));
        var stream = writer.ToArray();
        Assert.Equal(Concat(H("0070 05 5F2002414E 8000 30"), Pattern(48), H("9000 09 112233445566778899")), stream);

        var reader = new DgiReader(stream);
        Assert.True(reader.TryFind(0x9000, out var kcv));
        Assert.Equal(9, kcv.Length);
        Assert.Equal(H("5F2002414E"), reader.ReadElement(out var first).ToArray());
        Assert.Equal(0x0070, first);
        Assert.Equal(Pattern(48), reader.ReadElement(out var keys).ToArray());
        Assert.Equal(0x8000, keys);
        reader.ReadElement(out _);
        Assert.False(reader.HasData);
    }

    [Fact]
    public void DGI_header_is_readable_before_the_value_arrives()
    {
        // A DGI split over STORE DATA blocks: only the header and part of the value are present.
        var block = Concat(H("8201 FF0100"), Pattern(10));
        Assert.True(Dgi.TryReadHeader(block, out var dgi, out var length, out var header));
        Assert.Equal(0x8201, dgi);
        Assert.Equal(256, length);
        Assert.Equal(5, header);
        Assert.False(Dgi.TryReadElement(block, out _, out _, out _));
        Assert.False(Dgi.TryReadHeader(H("8201 FF01"), out _, out _, out _));
        Assert.False(Dgi.TryReadHeader(H("8201"), out _, out _, out _));
    }

    [Theory]
    [InlineData("", 0)]
    [InlineData("80", 0)]
    [InlineData("8000", 2)]
    [InlineData("8000 05 0102", 2)]
    [InlineData("8000 FF00", 2)]
    public void DGI_rejections(string hex, int offset)
    {
        Assert.False(Dgi.TryReadElement(H(hex), out _, out _, out _));
        Assert.Equal(offset, Assert.Throws<TlvFormatException>(() => Dgi.ReadElement(H(hex), out _, out _)).Offset);
    }
}

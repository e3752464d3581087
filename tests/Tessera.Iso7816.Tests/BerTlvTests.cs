using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class BerTlvTests
{
    // Length field forms: standards.md §8 (ISO 7816-4 Annex D via ISO-GORF/ISO-CW): 00-7F, 81 80-81 FF,
    // 82 0100-82 FFFF, then 83 and 84.
    [Theory]
    [InlineData(0, "00")]
    [InlineData(1, "01")]
    [InlineData(127, "7F")]
    [InlineData(128, "8180")]
    [InlineData(255, "81FF")]
    [InlineData(256, "820100")]
    [InlineData(65535, "82FFFF")]
    [InlineData(65536, "83010000")]
    [InlineData(16777215, "83FFFFFF")]
    [InlineData(16777216, "8401000000")]
    [InlineData(int.MaxValue, "847FFFFFFF")]
    public void Length_encoding(int length, string expected)
    {
        Assert.Equal(H(expected), BerTlv.EncodeLength(length));
        Assert.Equal(expected.Length / 2, BerTlv.GetLengthSize(length));
    }

    [Theory]
    [InlineData(0x4Fu)]
    [InlineData(0x9F7Fu)]
    [InlineData(0x5F20u)]
    [InlineData(0xDF8101u)]
    [InlineData(0x9F818001u)]
    public void Elements_round_trip_at_every_length_boundary(uint tagValue)
    {
        var tag = new BerTag(tagValue);
        foreach (var length in new[] { 0, 1, 127, 128, 255, 256, 65535, 65536 })
        {
            var value = Pattern(length, length);
            var encoded = BerTlv.Encode(tag, value);
            Assert.Equal(Concat(tag.ToArray(), BerTlv.EncodeLength(length), value), encoded);
            Assert.Equal(encoded.Length, BerTlv.GetEncodedSize(tag, length));

            Assert.True(BerTlv.TryReadElement(encoded, out var readTag, out var readValue, out var consumed));
            Assert.Equal(tag, readTag);
            Assert.True(readValue.SequenceEqual(value));
            Assert.Equal(encoded.Length, consumed);

            // Trailing bytes are left for the caller.
            var withTrailer = Concat(encoded, H("9000"));
            var span = BerTlv.ReadElement(withTrailer, out _, out consumed);
            Assert.Equal(length, span.Length);
            Assert.Equal(encoded.Length, consumed);
        }
    }

    [Fact]
    public void Length_84_round_trips_above_16_MiB()
    {
        var value = new byte[16777216];
        value[^1] = 0x5A;
        var encoded = BerTlv.Encode(new BerTag(0xC4), value);
        Assert.Equal(H("C4 84 01000000"), encoded[..6]);
        var read = BerTlv.ReadElement(encoded, out var tag, out var consumed);
        Assert.Equal(new BerTag(0xC4), tag);
        Assert.Equal(value.Length, read.Length);
        Assert.Equal(0x5A, read[^1]);
        Assert.Equal(encoded.Length, consumed);
    }

    [Theory]
    [InlineData("05 0102030405", 5, 1)]
    [InlineData("81 05 0102030405", 5, 2)]
    [InlineData("82 0005 0102030405", 5, 3)]
    [InlineData("83 000005 0102030405", 5, 4)]
    [InlineData("84 00000005 0102030405", 5, 5)]
    [InlineData("00", 0, 1)]
    [InlineData("84 00000000", 0, 5)]
    public void Long_forms_longer_than_needed_are_read(string hex, int length, int size)
    {
        Assert.True(BerTlv.TryReadLength(H(hex), out var read, out var consumed));
        Assert.Equal(length, read);
        Assert.Equal(size, consumed);
    }

    [Theory]
    [InlineData("", "input ends")]
    [InlineData("80 00", "indefinite")]
    [InlineData("85 00 00 00 00 01 00", "85 is invalid")]
    [InlineData("FF", "FF is invalid")]
    [InlineData("81", "truncated")]
    [InlineData("82 01", "truncated")]
    [InlineData("83 00 01", "truncated")]
    [InlineData("84 00 00 01", "truncated")]
    [InlineData("05 01020304", "past the end")]
    [InlineData("81 80" + "00", "past the end")]
    [InlineData("82 0100 00", "past the end")]
    [InlineData("84 7FFFFFFF 00", "past the end")]
    [InlineData("84 80000000", "beyond")]
    [InlineData("84 FFFFFFFF", "beyond")]
    public void Bad_lengths_are_rejected(string hex, string reason)
    {
        var bytes = H(hex);
        Assert.False(BerTlv.TryReadLength(bytes, out _, out _));
        var e = Assert.Throws<TlvFormatException>(() => BerTlv.ReadLength(bytes, out _));
        Assert.Contains(reason, e.Message);
    }

    [Theory]
    [InlineData("", "input ends", 0)]
    [InlineData("00 01 AA", "00 is invalid", 0)]
    [InlineData("9F", "truncated", 1)]
    [InlineData("DF81", "truncated", 2)]
    [InlineData("9F80 01 AA", "all 0", 1)]
    [InlineData("9F81818101 01 AA", "longer than 4", 4)]
    [InlineData("9F818181", "longer than 4", 4)]
    [InlineData("4F", "length expected", 1)]
    [InlineData("9F7F 05 0102", "past the end", 2)]
    [InlineData("5F20 80", "indefinite", 2)]
    [InlineData("BF0C 85 0000000001 AA", "85 is invalid", 2)]
    [InlineData("DF8101 82 01", "truncated", 3)]
    public void Bad_elements_are_rejected(string hex, string reason, int offset)
    {
        var bytes = H(hex);
        Assert.False(BerTlv.TryReadElement(bytes, out _, out _, out _));
        var e = Assert.Throws<TlvFormatException>(() => BerTlv.ReadElement(bytes, out _, out _));
        Assert.Contains(reason, e.Message);
        Assert.Equal(offset, e.Offset);
    }

    [Fact]
    public void Published_FCI_decodes()
    {
        // martinpaljak/apdu4j README trace: response to SELECT of a GP card manager; structure of GPCS 2.3.1
        // Table 11-82 (standards.md §2.1): 6F { 84 AID, A5 { 9F65 max command data length } }.
        var fci = H("6F108408A000000003000000A5049F6501FF");
        var value = BerTlv.ReadElement(fci, out var tag, out var consumed);
        Assert.Equal(new BerTag(0x6F), tag);
        Assert.Equal(fci.Length, consumed);
        var aid = BerTlv.ReadElement(value, out var aidTag, out var aidSize);
        Assert.Equal(new BerTag(0x84), aidTag);
        Assert.Equal(H("A000000003000000"), aid.ToArray());
        var proprietary = BerTlv.ReadElement(value[aidSize..], out var a5, out _);
        Assert.Equal(new BerTag(0xA5), a5);
        Assert.Equal(H("FF"), BerTlv.ReadElement(proprietary, out var maxLength, out _).ToArray());
        Assert.Equal(new BerTag(0x9F65), maxLength);
    }

    [Fact]
    public void Encoder_argument_checks()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => BerTlv.EncodeLength(-1));
        Assert.Throws<ArgumentException>(() => BerTlv.Encode(default, [1]));
        Assert.Throws<ArgumentException>(() => BerTlv.Write(new byte[3], new BerTag(0x4F), [1, 2]));
        Assert.Throws<ArgumentException>(() => BerTlv.WriteLength(new byte[1], 128));
    }
}

using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class GpLengthTests
{
    // GPCS 2.3.1 §11.1.5 / standards.md §8: 1 byte up to 127, 81 xx up to 255, 82 xx xx up to 65535.
    [Theory]
    [InlineData(0, "00")]
    [InlineData(127, "7F")]
    [InlineData(128, "8180")]
    [InlineData(255, "81FF")]
    [InlineData(256, "820100")]
    [InlineData(65535, "82FFFF")]
    public void Encoding(int length, string expected)
    {
        Assert.Equal(H(expected), GpLength.Encode(length));
        Assert.Equal(expected.Length / 2, GpLength.GetSize(length));
        var lv = GpLength.EncodeLv(Pattern(length));
        Assert.Equal(Concat(H(expected), Pattern(length)), lv);
        Assert.True(GpLength.TryReadLv(lv, out var value, out var consumed));
        Assert.True(value.SequenceEqual(Pattern(length)));
        Assert.Equal(lv.Length, consumed);
    }

    [Fact]
    public void Single_byte_80_is_read_as_128()
    {
        // GPCS 2.3.1 §11.5.2.3 / standards.md §2.2: "00–80, or 81 80–81 FF, or 82 01 00–82 FF FF".
        var lv = Concat(H("80"), Pattern(128));
        Assert.Equal(128, GpLength.Read(lv, out var size));
        Assert.Equal(1, size);
        Assert.Equal(128, GpLength.ReadLv(lv, out var consumed).Length);
        Assert.Equal(129, consumed);
        Assert.Equal(H("8180"), GpLength.Encode(128)); // never written
    }

    [Theory]
    [InlineData("", "input ends")]
    [InlineData("83 000001 00", "83 is invalid")]
    [InlineData("84 00000001 00", "84 is invalid")]
    [InlineData("FF", "FF is invalid")]
    [InlineData("81", "truncated")]
    [InlineData("82 00", "truncated")]
    [InlineData("05 01020304", "past the end")]
    [InlineData("80", "past the end")]
    [InlineData("81 80 00", "past the end")]
    public void Rejections(string hex, string reason)
    {
        var bytes = H(hex);
        Assert.False(GpLength.TryRead(bytes, out _, out _));
        Assert.False(GpLength.TryReadLv(bytes, out _, out _));
        Assert.Contains(reason, Assert.Throws<TlvFormatException>(() => GpLength.Read(bytes, out _)).Message);
        Assert.Throws<TlvFormatException>(() => GpLength.ReadLv(bytes, out _));
    }

    [Fact]
    public void Out_of_range_lengths_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GpLength.Encode(65536));
        Assert.Throws<ArgumentOutOfRangeException>(() => GpLength.Encode(-1));
        Assert.Throws<ArgumentException>(() => GpLength.Write(new byte[1], 200));
    }

    [Fact]
    public void Reads_the_LV_fields_of_an_INSTALL_for_personalization()
    {
        // GPCS 2.3.1 Table 11-47 (standards.md §2.2): 00 | 00 | len AID | AID | 00 | 00 | 00.
        ReadOnlySpan<byte> data = H("00 00 08 A000000151000000 00 00 00");
        var fields = new List<byte[]>();
        while (!data.IsEmpty)
        {
            fields.Add(GpLength.ReadLv(data, out var consumed).ToArray());
            data = data[consumed..];
        }

        Assert.Equal(6, fields.Count);
        Assert.Equal(H("A000000151000000"), fields[2]);
    }
}

using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class BerTagTests
{
    [Theory]
    [InlineData(0x4Fu, 1, BerTagClass.Application, false, 15)]
    [InlineData(0x6Fu, 1, BerTagClass.Application, true, 15)]
    [InlineData(0x84u, 1, BerTagClass.ContextSpecific, false, 4)]
    [InlineData(0xA5u, 1, BerTagClass.ContextSpecific, true, 5)]
    [InlineData(0xE3u, 1, BerTagClass.Private, true, 3)]
    [InlineData(0x02u, 1, BerTagClass.Universal, false, 2)]
    [InlineData(0x9F7Fu, 2, BerTagClass.ContextSpecific, false, 127)]
    [InlineData(0x9F70u, 2, BerTagClass.ContextSpecific, false, 112)]
    [InlineData(0x9F02u, 2, BerTagClass.ContextSpecific, false, 2)]
    [InlineData(0x5F20u, 2, BerTagClass.Application, false, 32)]
    [InlineData(0xBF0Cu, 2, BerTagClass.ContextSpecific, true, 12)]
    [InlineData(0x7F49u, 2, BerTagClass.Application, true, 73)]
    [InlineData(0xFF50u, 2, BerTagClass.Private, true, 80)]
    [InlineData(0xDF8101u, 3, BerTagClass.Private, false, 129)]
    [InlineData(0x9F818001u, 4, BerTagClass.ContextSpecific, false, 16385)]
    public void Valid_tags(uint value, int length, BerTagClass tagClass, bool constructed, int number)
    {
        var tag = new BerTag(value);
        Assert.Equal(value, tag.Value);
        Assert.Equal(length, tag.EncodedLength);
        Assert.Equal(tagClass, tag.Class);
        Assert.Equal(constructed, tag.IsConstructed);
        Assert.Equal(number, tag.Number);
        Assert.Equal(value.ToString($"X{length * 2}"), tag.ToString());
        Assert.Equal(tag, BerTag.Parse(tag.ToString()));
        Assert.True(BerTlv.TryReadTag(tag.ToArray(), out var read, out var consumed));
        Assert.Equal(tag, read);
        Assert.Equal(length, consumed);
    }

    [Theory]
    [InlineData(0x00u, "00")]
    [InlineData(0x1Fu, "announces subsequent")]
    [InlineData(0x9Fu, "announces subsequent")]
    [InlineData(0xFFu, "announces subsequent")]
    [InlineData(0x9F80u, "all 0")]
    [InlineData(0x9F8001u, "all 0")]
    [InlineData(0x9F81u, "b8 = 1")]
    [InlineData(0x1F0101u, "not the last")]
    [InlineData(0x4F01u, "one-byte tag")]
    [InlineData(0x9F818181u, "b8 = 1")]
    public void Invalid_tags(uint value, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => new BerTag(value));
        Assert.Contains(reason, e.Message);
        Assert.False(BerTag.TryCreate(value, out _));
    }

    [Fact]
    public void FromNumber_gives_the_shortest_form()
    {
        Assert.Equal(new BerTag(0x9F7F), BerTag.FromNumber(BerTagClass.ContextSpecific, false, 127));
        Assert.Equal(new BerTag(0x5F20), BerTag.FromNumber(BerTagClass.Application, false, 32));
        Assert.Equal(new BerTag(0xDF8101), BerTag.FromNumber(BerTagClass.Private, false, 129));
        Assert.Equal(new BerTag(0xFF50), BerTag.FromNumber(BerTagClass.Private, true, 80));
        Assert.Equal(new BerTag(0xAC), BerTag.FromNumber(BerTagClass.ContextSpecific, true, 12));
        Assert.Equal(new BerTag(0x9F1F), BerTag.FromNumber(BerTagClass.ContextSpecific, false, 31));
        Assert.Equal(new BerTag(0x9E), BerTag.FromNumber(BerTagClass.ContextSpecific, false, 30));
        Assert.Equal(new BerTag(0x9F818001), BerTag.FromNumber(BerTagClass.ContextSpecific, false, 16385));
        Assert.Throws<ArgumentException>(() => BerTag.FromNumber(BerTagClass.Universal, false, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BerTag.FromNumber(BerTagClass.Private, false, 1 << 21));
        for (var n = 0; n < 1 << 21; n += 977)
        {
            var tag = BerTag.FromNumber(BerTagClass.Private, n % 2 == 0, n == 0 ? 1 : n);
            Assert.Equal(n == 0 ? 1 : n, tag.Number);
        }
    }

    [Theory]
    [InlineData("9F")]
    [InlineData("9F7F01")]
    [InlineData("00")]
    [InlineData("")]
    public void Parse_wants_exactly_one_tag(string hex)
    {
        Assert.Throws<FormatException>(() => BerTag.Parse(hex));
    }

    [Fact]
    public void Equality_order_and_default()
    {
        Assert.True(new BerTag(0x9F7F) == BerTag.Parse("9f 7f"));
        Assert.True(new BerTag(0x9F7F) != new BerTag(0x9F70));
        Assert.True(new BerTag(0x4F).CompareTo(new BerTag(0x9F7F)) < 0);
        Assert.True(default(BerTag).IsDefault);
        Assert.Equal(0, default(BerTag).EncodedLength);
        Assert.Throws<InvalidOperationException>(() => default(BerTag).ToArray());
        Assert.Equal(H("DF8101"), new BerTag(0xDF8101).ToArray());
        Assert.Throws<ArgumentException>(() => new BerTag(0xDF8101).Encode(new byte[2]));
    }
}

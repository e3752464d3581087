namespace Tessera.Iso7816.Tests;

public class HexTests
{
    [Theory]
    [InlineData("3B8980")]
    [InlineData("3b8980")]
    [InlineData("3B 89 80")]
    [InlineData("3B:89:80")]
    [InlineData(" 3B\t89\r\n80 ")]
    [InlineData("3B89 80")]
    public void Parses_with_allowed_separators(string text)
    {
        Assert.Equal(new byte[] { 0x3B, 0x89, 0x80 }, Hex.Parse(text));
        Assert.True(Hex.TryParse(text, out var bytes));
        Assert.Equal(new byte[] { 0x3B, 0x89, 0x80 }, bytes);
    }

    [Fact]
    public void Empty_text_is_no_bytes()
    {
        Assert.Empty(Hex.Parse(""));
        Assert.Empty(Hex.Parse("  "));
    }

    [Fact]
    public void Odd_number_of_digits_is_reported()
    {
        var e = Assert.Throws<FormatException>(() => Hex.Parse("3B898"));
        Assert.Contains("odd number of digits (5)", e.Message);
        Assert.False(Hex.TryParse("3B898", out _));
    }

    [Theory]
    [InlineData("3G", "'G'", "position 1")]
    [InlineData("0x3B", "'x'", "position 1")]
    [InlineData("3B-89", "'-'", "position 2")]
    public void Bad_character_is_reported_with_position(string text, string character, string position)
    {
        var e = Assert.Throws<FormatException>(() => Hex.Parse(text));
        Assert.Contains(character, e.Message);
        Assert.Contains(position, e.Message);
    }

    [Fact]
    public void Separator_inside_a_byte_is_rejected()
    {
        var e = Assert.Throws<FormatException>(() => Hex.Parse("3 B89"));
        Assert.Contains("splits a byte", e.Message);
    }

    [Fact]
    public void Formats_upper_case_with_optional_separator()
    {
        byte[] bytes = [0x3B, 0x0A, 0xFF];
        Assert.Equal("3B0AFF", Hex.Format(bytes));
        Assert.Equal("3B 0A FF", Hex.Format(bytes, " "));
        Assert.Equal("3B:0A:FF", Hex.Format(bytes, ":"));
        Assert.Equal("", Hex.Format([], " "));
        Assert.Equal(bytes, Hex.Parse(Hex.Format(bytes, ":")));
    }

    [Fact]
    public void All_byte_values_round_trip()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        Assert.Equal(all, Hex.Parse(Hex.Format(all, " ")));
        Assert.Equal(all, Hex.Parse(Hex.Format(all).ToLowerInvariant()));
    }
}

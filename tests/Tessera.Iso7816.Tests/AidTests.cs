using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class AidTests
{
    [Fact]
    public void RID_and_PIX()
    {
        // GPCS 2.3.1 §H.1.3 (standards.md §2): default ISD AID, GP RID A000000151.
        var isd = Aid.Parse("A000000151000000");
        Assert.Equal(8, isd.Length);
        Assert.Equal(H("A000000151"), isd.Rid.ToArray());
        Assert.Equal(H("000000"), isd.Pix.ToArray());
        Assert.Equal("A000000151000000", isd.ToString());
        Assert.Equal(H("A000000151000000"), isd.ToArray());

        // SPEC §3: the Tessera RID F054455353 is F0 + "TESS".
        var package = Aid.Parse("F0 54 45 53 53 00");
        Assert.Equal("TESS"u8.ToArray(), package.Rid[1..].ToArray());
        Assert.Equal(H("00"), package.Pix.ToArray());
        Assert.True(Aid.Parse("F054455353").Pix.IsEmpty);
    }

    [Theory]
    [InlineData("A0000001")]
    [InlineData("")]
    [InlineData("A000000151000000000000000000000000")]
    public void Lengths_outside_5_to_16_are_refused(string hex)
    {
        Assert.Throws<FormatException>(() => Aid.Parse(hex));
        Assert.False(Aid.TryParse(hex, out _));
        Assert.False(Aid.TryCreate(H(hex), out _));
        Assert.Throws<ArgumentException>(() => new Aid(H(hex)));
    }

    [Fact]
    public void Bad_hex_is_refused()
    {
        Assert.Throws<FormatException>(() => Aid.Parse("A00000015G"));
        Assert.False(Aid.TryParse("A00000015G", out _));
        Assert.False(Aid.TryParse(null, out _));
    }

    [Fact]
    public void Sixteen_bytes_is_the_maximum()
    {
        var aid = new Aid(Pattern(16));
        Assert.Equal(11, aid.Pix.Length);
        Assert.True(Aid.TryCreate(Pattern(5), out var shortest));
        Assert.Equal(5, shortest.Length);
    }

    [Fact]
    public void Equality_and_hash_by_content()
    {
        var bytes = H("A000000151000000");
        var a = new Aid(bytes);
        var b = Aid.Parse("a0:00:00:01:51:00:00:00");
        bytes[0] = 0x00; // the AID holds a copy
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Aid.Parse("A000000151000001"));
        Assert.NotEqual(a, Aid.Parse("A0000001510000"));
        var set = new HashSet<Aid> { a };
        Assert.Contains(b, set);
        Assert.False(a.Equals((object)"A000000151000000"));
    }

    [Fact]
    public void StartsWith_for_partial_SELECT()
    {
        var applet = Aid.Parse("F054455353 0101");
        Assert.True(applet.StartsWith(H("F054455353")));
        Assert.True(applet.StartsWith(H("F0544553530101")));
        Assert.True(applet.StartsWith(Aid.Parse("F054455353")));
        Assert.False(applet.StartsWith(H("F054455354")));
        Assert.False(applet.StartsWith(H("F054455353010100")));
        Assert.True(applet.StartsWith([]));
    }

    [Fact]
    public void Order_and_default()
    {
        var list = new[] { Aid.Parse("F05445535301"), Aid.Parse("A000000151000000"), Aid.Parse("F054455353") };
        Array.Sort(list);
        Assert.Equal(["A000000151000000", "F054455353", "F05445535301"], list.Select(a => a.ToString()));
        Assert.True(list[0] < list[1]);
        Assert.True(list[2] >= list[1]);

        Aid none = default;
        Assert.True(none.IsDefault);
        Assert.Equal(0, none.Length);
        Assert.Equal("", none.ToString());
        Assert.True(none.Rid.IsEmpty);
        Assert.NotEqual(none, list[0]);
    }
}

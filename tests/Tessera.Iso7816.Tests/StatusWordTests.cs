using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class StatusWordTests
{
    [Fact]
    public void Bytes_and_value()
    {
        var sw = new StatusWord(0x6A, 0x82);
        Assert.Equal(0x6A82, sw.Value);
        Assert.Equal(0x6A, sw.Sw1);
        Assert.Equal(0x82, sw.Sw2);
        Assert.Equal(StatusWords.FileNotFound, sw);
        Assert.Equal("6A82", sw.ToString());
        Assert.Equal("6A82 file or application not found", sw.Describe());
        StatusWord fromUshort = 0x9000;
        Assert.Equal(StatusWords.Success, fromUshort);
    }

    [Theory]
    [InlineData(0x9000, true)]
    [InlineData(0x6100, true)]
    [InlineData(0x61FF, true)]
    [InlineData(0x6282, false)]
    [InlineData(0x6700, false)]
    public void Success(ushort value, bool success)
    {
        Assert.Equal(success, new StatusWord(value).IsSuccess);
    }

    [Theory]
    [InlineData(1, 0x6101)]
    [InlineData(0x12, 0x6112)]
    [InlineData(255, 0x61FF)]
    [InlineData(256, 0x6100)]
    [InlineData(70000, 0x6100)]
    public void BytesRemaining(int remaining, ushort expected)
    {
        Assert.Equal(new StatusWord(expected), StatusWords.BytesRemaining(remaining));
    }

    [Theory]
    [InlineData(1, 0x6C01)]
    [InlineData(255, 0x6CFF)]
    [InlineData(256, 0x6C00)]
    [InlineData(1000, 0x6C00)]
    public void WrongLe(int available, ushort expected)
    {
        Assert.Equal(new StatusWord(expected), StatusWords.WrongLe(available));
    }

    [Fact]
    public void Zero_remaining_or_available_is_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StatusWords.BytesRemaining(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => StatusWords.WrongLe(0));
    }

    [Theory]
    [InlineData(0x6110, "16 bytes available")]
    [InlineData(0x6100, "256 or more")]
    [InlineData(0x6C00, "256 bytes available")]
    [InlineData(0x63C2, "counter 2")]
    [InlineData(0x6A80, "incorrect parameters in the data field")]
    [InlineData(0x6E00, "class not supported")]
    [InlineData(0x6B05, "wrong parameters")]
    [InlineData(0x9123, "unknown")]
    public void Names(ushort value, string expected)
    {
        Assert.Contains(expected, StatusWordNames.NameOf(new StatusWord(value)));
    }

    [Fact]
    public void Response_round_trips()
    {
        // martinpaljak/apdu4j README trace: FCI of a GP card manager then 9000.
        var bytes = H("6F108408A000000003000000A5049F6501FF9000");
        var response = ResponseApdu.Parse(bytes);
        Assert.Equal(StatusWords.Success, response.StatusWord);
        Assert.Equal(0x9000, response.SW);
        Assert.Equal(H("6F108408A000000003000000A5049F6501FF"), response.Data.ToArray());
        Assert.Equal(bytes, response.ToArray());
        Assert.Equal(bytes.Length, response.EncodedLength);

        var bare = ResponseApdu.Parse(H("6A88"));
        Assert.True(bare.Data.IsEmpty);
        Assert.Equal(H("6A88"), new ResponseApdu(StatusWords.ReferencedDataNotFound).ToArray());
        Assert.Equal("6A88", bare.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("90")]
    public void Response_shorter_than_two_bytes_is_refused(string hex)
    {
        var e = Assert.Throws<ApduFormatException>(() => ResponseApdu.Parse(H(hex)));
        Assert.Equal(StatusWords.NoPreciseDiagnosis, e.StatusWord);
    }
}

namespace Tessera.Crypto.Tests;

public class Pad80Tests
{
    [Theory]
    [InlineData("", "80000000000000000000000000000000")]
    [InlineData("01", "01800000000000000000000000000000")]
    [InlineData("000102030405060708090a0b0c0d0e", "000102030405060708090a0b0c0d0e80")]
    [InlineData("000102030405060708090a0b0c0d0e0f", "000102030405060708090a0b0c0d0e0f80000000000000000000000000000000")]
    public void PadsAndUnpads(string data, string padded)
    {
        Assert.Equal(Hex.Bytes(padded), Pad80.Pad(Hex.Bytes(data)));
        Assert.True(Pad80.TryGetUnpaddedLength(Hex.Bytes(padded), out int length));
        Assert.Equal(Hex.Bytes(data).Length, length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("01000000000000000000000000000000")]
    [InlineData("0080")]
    [InlineData("8000000000000000000000000000000000000000000000000000000000000000")]
    public void RefusesBadPadding(string padded)
    {
        Assert.False(Pad80.TryGetUnpaddedLength(Hex.Bytes(padded), out _));
    }
}

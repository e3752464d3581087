using Tessera.Crypto.Internal;

namespace Tessera.Crypto.Tests;

/// <summary>The internal APDU codec against the ISO 7816-4 cases (standards.md §1.1).</summary>
public class RawCommandApduTests
{
    [Theory]
    [InlineData("80CA0066", 0, 0, false)]
    [InlineData("80CA006600", 0, 256, false)]
    [InlineData("80CA00661F", 0, 31, false)]
    [InlineData("80E2000002AABB", 2, 0, false)]
    [InlineData("80E2000002AABB00", 2, 256, false)]
    [InlineData("80CA0066000000", 0, 65536, true)]
    [InlineData("80CA0066000102", 0, 258, true)]
    [InlineData("80E20000000002AABB", 2, 0, true)]
    [InlineData("80E20000000002AABB0000", 2, 65536, true)]
    [InlineData("80E20000000002AABB0101", 2, 257, true)]
    public void ParsesAndReencodesEveryCase(string hex, int nc, int ne, bool extended)
    {
        byte[] apdu = Hex.Bytes(hex);
        Assert.True(RawCommandApdu.TryParse(apdu, out var command));
        Assert.Equal(nc, command.Data.Length);
        Assert.Equal(ne, command.Ne);
        Assert.Equal(extended, command.Extended);
        Assert.Equal(apdu, RawCommandApdu.Encode(command.Cla, command.Ins, command.P1, command.P2, command.Data, command.Ne, command.Extended));
    }

    [Theory]
    [InlineData("")]
    [InlineData("80CA00")]
    [InlineData("80CA006600AA")]
    [InlineData("80E2000002AA")]
    [InlineData("80E2000002AABBCCDD")]
    [InlineData("80E20000000000AA")]
    [InlineData("80E20000000002AABB00")]
    public void RefusesMalformedApdus(string hex)
    {
        Assert.False(RawCommandApdu.TryParse(Hex.Bytes(hex), out _));
    }

    [Theory]
    [InlineData(0x80, 0, false, 0x84, 0x84)]
    [InlineData(0x83, 3, false, 0x87, 0x84)]
    [InlineData(0x00, 0, false, 0x04, 0x04)]
    [InlineData(0x0C, 0, false, 0x04, 0x04)] // ISO SM (b4b3 = 11) is not GP secure messaging
    [InlineData(0x84, 0, true, 0x84, 0x84)]
    [InlineData(0xC0, 4, false, 0xE0, 0x84)]
    [InlineData(0xEF, 19, true, 0xEF, 0x84)]
    [InlineData(0x4A, 14, false, 0x6A, 0x04)]
    [InlineData(0x90, 0, false, 0x94, 0x94)]
    public void ClassByteRules(byte cla, int channel, bool secured, byte withSm, byte forMac)
    {
        Assert.Equal(channel, ClassByte.LogicalChannel(cla));
        Assert.Equal(secured, ClassByte.HasSecureMessaging(cla));
        Assert.Equal(withSm, ClassByte.WithSecureMessaging(cla));
        Assert.Equal(forMac, ClassByte.ForMac(cla));
    }
}

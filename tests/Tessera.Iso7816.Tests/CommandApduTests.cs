using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class CommandApduTests
{
    private static void AssertRoundTrip(byte[] encoded)
    {
        var apdu = CommandApdu.Parse(encoded);
        Assert.Equal(encoded, apdu.ToArray());
        Assert.Equal(encoded.Length, apdu.EncodedLength);
        Assert.Equal(Convert.ToHexString(encoded), apdu.ToString());
    }

    [Fact]
    public void Case1_is_the_bare_header()
    {
        var apdu = CommandApdu.Parse(H("00 70 80 01"));
        Assert.Equal(ApduCase.Case1, apdu.Case);
        Assert.Equal((0x00, 0x70, 0x80, 0x01), (apdu.Cla, apdu.Ins, apdu.P1, apdu.P2));
        Assert.Equal(0x8001, apdu.P1P2);
        Assert.Equal(0, apdu.Nc);
        Assert.Equal(0, apdu.Ne);
        Assert.False(apdu.HasLe);
        Assert.False(apdu.IsExtended);
        AssertRoundTrip(H("00 70 80 01"));
    }

    [Theory]
    [InlineData("00 B0 00 00 01", 1)]
    [InlineData("00 B0 00 00 FF", 255)]
    [InlineData("00 C0 00 00 00", 256)]
    public void Case2Short_Le(string hex, int ne)
    {
        var apdu = CommandApdu.Parse(H(hex));
        Assert.Equal(ApduCase.Case2Short, apdu.Case);
        Assert.Equal(ne, apdu.Ne);
        Assert.Equal(0, apdu.Nc);
        AssertRoundTrip(H(hex));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(254)]
    [InlineData(255)]
    public void Case3Short_Nc(int nc)
    {
        var data = Pattern(nc);
        var encoded = Concat(H("00 D6 00 00"), [(byte)nc], data);
        var apdu = CommandApdu.Parse(encoded);
        Assert.Equal(ApduCase.Case3Short, apdu.Case);
        Assert.Equal(nc, apdu.Nc);
        Assert.Equal(data, apdu.Data.ToArray());
        Assert.Equal(0, apdu.Ne);
        AssertRoundTrip(encoded);
    }

    [Theory]
    [InlineData(1, 0x01, 1)]
    [InlineData(255, 0xFF, 255)]
    [InlineData(255, 0x00, 256)]
    [InlineData(1, 0x00, 256)]
    public void Case4Short_Nc_and_Le(int nc, byte le, int ne)
    {
        var encoded = Concat(H("00 A4 04 00"), [(byte)nc], Pattern(nc), [le]);
        var apdu = CommandApdu.Parse(encoded);
        Assert.Equal(ApduCase.Case4Short, apdu.Case);
        Assert.Equal(nc, apdu.Nc);
        Assert.Equal(ne, apdu.Ne);
        AssertRoundTrip(encoded);
    }

    [Theory]
    [InlineData("00 B0 00 00 00 00 01", 1)]
    [InlineData("00 B0 00 00 00 00 FF", 255)]
    [InlineData("00 B0 00 00 00 01 00", 256)]
    [InlineData("00 B0 00 00 00 01 01", 257)]
    [InlineData("00 B0 00 00 00 FF FF", 65535)]
    [InlineData("00 B0 00 00 00 00 00", 65536)]
    public void Case2Extended_Le(string hex, int ne)
    {
        var apdu = CommandApdu.Parse(H(hex));
        Assert.Equal(ApduCase.Case2Extended, apdu.Case);
        Assert.True(apdu.IsExtended);
        Assert.Equal(ne, apdu.Ne);
        AssertRoundTrip(H(hex));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(255)]
    [InlineData(256)]
    [InlineData(65535)]
    public void Case3Extended_Nc(int nc)
    {
        var encoded = Concat(H("00 D7 7F 51 00"), [(byte)(nc >> 8), (byte)nc], Pattern(nc));
        var apdu = CommandApdu.Parse(encoded);
        Assert.Equal(ApduCase.Case3Extended, apdu.Case);
        Assert.Equal(nc, apdu.Nc);
        Assert.Equal(0, apdu.Ne);
        AssertRoundTrip(encoded);
    }

    [Theory]
    [InlineData(1, 0x0001, 1)]
    [InlineData(1, 0x0000, 65536)]
    [InlineData(256, 0x0100, 256)]
    [InlineData(65535, 0xFFFF, 65535)]
    [InlineData(65535, 0x0000, 65536)]
    public void Case4Extended_Nc_and_Le(int nc, int le, int ne)
    {
        var encoded = Concat(H("80 E2 00 00 00"), [(byte)(nc >> 8), (byte)nc], Pattern(nc), [(byte)(le >> 8), (byte)le]);
        var apdu = CommandApdu.Parse(encoded);
        Assert.Equal(ApduCase.Case4Extended, apdu.Case);
        Assert.Equal(nc, apdu.Nc);
        Assert.Equal(ne, apdu.Ne);
        AssertRoundTrip(encoded);
    }

    [Fact]
    public void Commands_from_a_published_trace_parse()
    {
        // martinpaljak/apdu4j README: SELECT without AID and INITIALIZE UPDATE sent to a GlobalPlatform card.
        var select = CommandApdu.Parse(H("00A4040000"));
        Assert.Equal(ApduCase.Case2Short, select.Case);
        Assert.Equal(256, select.Ne);
        var initializeUpdate = CommandApdu.Parse(H("80500000084D080A4D1C5EBC92"));
        Assert.Equal(ApduCase.Case3Short, initializeUpdate.Case);
        Assert.Equal(H("4D080A4D1C5EBC92"), initializeUpdate.Data.ToArray());

        // standards.md §2.1: SELECT by AID with Le 00 (default ISD AID A000000151000000).
        var selectIsd = CommandApdu.Parse(H("00 A4 04 00 08 A000000151000000 00"));
        Assert.Equal(ApduCase.Case4Short, selectIsd.Case);
        Assert.Equal(H("A000000151000000"), selectIsd.Data.ToArray());
        Assert.Equal(256, selectIsd.Ne);

        // standards.md §1.2: GET RESPONSE 00 C0 00 00 Le.
        Assert.Equal(0x12, CommandApdu.Parse(H("00C0000012")).Ne);
    }

    [Theory]
    [InlineData(0, 0, false, "00A40000")]
    [InlineData(0, 0, true, "00A40000")]
    [InlineData(0, 1, false, "00A4000001")]
    [InlineData(0, 255, false, "00A40000FF")]
    [InlineData(0, 256, false, "00A4000000")]
    [InlineData(0, 257, false, "00A4000000 0101")]
    [InlineData(0, 65535, false, "00A4000000 FFFF")]
    [InlineData(0, 65536, false, "00A4000000 0000")]
    [InlineData(0, 1, true, "00A4000000 0001")]
    [InlineData(0, 256, true, "00A4000000 0100")]
    public void Constructor_chooses_the_encoding_of_Ne(int nc, int ne, bool extended, string expected)
    {
        var apdu = new CommandApdu(0x00, 0xA4, 0x00, 0x00, Pattern(nc), ne, extended);
        Assert.Equal(H(expected), apdu.ToArray());
    }

    [Fact]
    public void Constructor_chooses_short_until_a_limit_is_passed()
    {
        Assert.False(new CommandApdu(0, 0xD6, 0, 0, Pattern(255), 256).IsExtended);
        Assert.True(new CommandApdu(0, 0xD6, 0, 0, Pattern(256), 0).IsExtended);
        Assert.True(new CommandApdu(0, 0xD6, 0, 0, Pattern(1), 257).IsExtended);
        Assert.Equal(ApduCase.Case4Extended, new CommandApdu(0, 0xD6, 0, 0, Pattern(1), 257).Case);
        Assert.Equal(H("00D60000 000001 AA 0101"), new CommandApdu(0, 0xD6, 0, 0, H("AA"), 257).ToArray());
        Assert.Equal(H("00D60000 000100").Concat(Pattern(256)).ToArray(), new CommandApdu(0, 0xD6, 0, 0, Pattern(256)).ToArray());

        // Case 1 has no extended form: the flag cannot make it one.
        var case1 = new CommandApdu(0, 0x70, 0x80, 0x01, extended: true);
        Assert.False(case1.IsExtended);
        Assert.Equal(ApduCase.Case1, case1.Case);
    }

    [Fact]
    public void Constructor_rejects_out_of_range_lengths()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandApdu(0, 0, 0, 0, new byte[65536]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandApdu(0, 0, 0, 0, default, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CommandApdu(0, 0, 0, 0, default, 65537));
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "no bytes" },
        { "00", "1 byte" },
        { "00 A4", "2 bytes" },
        { "00 A4 04", "3 bytes" },
        { "00 A4 04 00 00 11", "6 bytes with b4 = 0" },
        { "00 D6 00 00 03 AA BB", "short Lc 3, 2 data bytes (Lc - 1)" },
        { "00 D6 00 00 03 AA BB CC DD EE", "short Lc 3, 5 bytes follow (Lc + 2)" },
        { "00 D6 00 00 02 AA", "short Lc 2, 1 data byte" },
        { "00 D6 00 00 FF AA", "short Lc 255, 1 byte follows" },
        { "00 D6 00 00 00 00 00 AA", "extended Lc 0000 with data" },
        { "00 D6 00 00 00 00 00 AA BB", "extended Lc 0000 with data and Le" },
        { "00 D6 00 00 00 00 00 AA BB CC", "extended Lc 0000 with data" },
        { "00 D6 00 00 00 00 03 AA BB", "extended Lc 3, 2 data bytes (Lc - 1)" },
        { "00 D6 00 00 00 00 03 AA BB CC DD", "extended Lc 3, 4 bytes follow (Lc + 1)" },
        { "00 D6 00 00 00 00 02 AA BB CC", "extended Lc 2, Le truncated to 1 byte" },
        { "00 D6 00 00 00 00 02 AA BB CC DD EE", "extended Lc 2, 3 bytes after data" },
        { "00 B0 00 00 00 01", "extended Le truncated (6 bytes)" },
        { "00 B0 00 00 00 00 00 00", "8 bytes with extended Lc 0000" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_forms_are_rejected_with_6700(string hex, string why)
    {
        var bytes = H(hex);
        Assert.False(CommandApdu.TryParse(bytes, out var apdu, out var reason), why);
        Assert.Null(apdu);
        Assert.False(string.IsNullOrEmpty(reason));
        var e = Assert.Throws<ApduFormatException>(() => CommandApdu.Parse(bytes));
        Assert.Equal(StatusWords.WrongLength, e.StatusWord);
        Assert.Equal(reason, e.Message);
    }

    [Fact]
    public void One_byte_more_than_short_Lc_is_case_4_with_that_byte_as_Le()
    {
        // The ISO/JDK decoding: 6 + Lc bytes are Lc data bytes plus Le.
        var apdu = CommandApdu.Parse(H("00 D6 00 00 03 AA BB CC DD"));
        Assert.Equal(ApduCase.Case4Short, apdu.Case);
        Assert.Equal(H("AABBCC"), apdu.Data.ToArray());
        Assert.Equal(0xDD, apdu.Ne);
    }

    [Fact]
    public void Two_bytes_more_than_extended_Lc_are_case_4E_with_those_bytes_as_Le()
    {
        var apdu = CommandApdu.Parse(H("00 D6 00 00 00 00 03 AA BB CC DD EE"));
        Assert.Equal(ApduCase.Case4Extended, apdu.Case);
        Assert.Equal(H("AABBCC"), apdu.Data.ToArray());
        Assert.Equal(0xDDEE, apdu.Ne);
    }

    [Fact]
    public void Parse_does_not_copy_the_data()
    {
        var bytes = H("00 D6 00 00 02 AA BB");
        var apdu = CommandApdu.Parse(bytes);
        bytes[5] = 0x11;
        Assert.Equal(0x11, apdu.Data.Span[0]);
    }

    [Fact]
    public void WithCla_and_WithNe_keep_the_rest()
    {
        var apdu = CommandApdu.Parse(H("00 A4 04 00 02 3F00 00"));
        var onChannel5 = apdu.WithCla(ClassByte.WithChannel(apdu.Cla, 5));
        Assert.Equal(H("41 A4 04 00 02 3F00 00"), onChannel5.ToArray());
        Assert.Equal(5, onChannel5.Channel);
        Assert.Equal(H("00 A4 04 00 02 3F00"), apdu.WithNe(0).ToArray());
        Assert.Equal(H("00 A4 04 00 02 3F00 10"), apdu.WithNe(16).ToArray());
        Assert.Equal(H("00 A4 04 00 00 0002 3F00 0101"), apdu.WithNe(257).ToArray());

        var extended = CommandApdu.Parse(H("00 B0 00 00 00 00 10"));
        Assert.Equal(H("00 B0 00 00 00 00 20"), extended.WithNe(0x20).ToArray());
        Assert.Equal(H("80 B0 00 00 00 00 10"), extended.WithCla(0x80).ToArray());
    }

    [Fact]
    public void Encode_checks_the_destination_size()
    {
        var apdu = CommandApdu.Parse(H("00 A4 04 00 02 3F00 00"));
        Assert.Throws<ArgumentException>(() => apdu.Encode(new byte[apdu.EncodedLength - 1]));
        var buffer = new byte[20];
        Assert.Equal(8, apdu.Encode(buffer));
        Assert.Equal(H("00 A4 04 00 02 3F00 00"), buffer[..8]);
    }
}

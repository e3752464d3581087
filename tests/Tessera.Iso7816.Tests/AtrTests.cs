using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class AtrTests
{
    private const string TesseraAtr = "3B 89 80 01 80 57 54 45 53 53 45 52 41 98";

    [Fact]
    public void Tessera_default_ATR_from_the_SPEC_is_valid()
    {
        var atr = Atr.Parse(TesseraAtr);
        Assert.Equal(AtrConvention.Direct, atr.Convention);
        Assert.Equal((byte)0x80, atr.TD(1)); // T=0 indicated, TD2 follows
        Assert.Equal((byte)0x01, atr.TD(2)); // T=1
        Assert.Null(atr.TD(3));
        Assert.Null(atr.TA(1));
        Assert.Equal([0, 1], atr.Protocols);
        Assert.Equal(H("80 57").Concat("TESSERA"u8.ToArray()), atr.HistoricalBytes.ToArray());
        Assert.Equal((byte)0x98, atr.Tck);
        Assert.Equal(0x98, Atr.ComputeTck(H("89 80 01 80 57 54 45 53 53 45 52 41")));
        Assert.Equal(TesseraAtr, atr.ToString());
    }

    [Fact]
    public void Tessera_default_ATR_is_built_from_its_parts()
    {
        var historical = Concat(H("80"), CompactTlv.Encode(5, "TESSERA"u8));
        var atr = Atr.Build([0, 1], historical);
        Assert.Equal(H(TesseraAtr), atr.ToArray());
    }

    // Real ATRs from LudovicRousseau/pcsc-tools smartcard_list.txt (commit 3e819c605e93f02c6a215d5d35cbd205dbe6c0a5)
    // and the martinpaljak/apdu4j README trace.
    public static TheoryData<string, string, int[], int, bool> RealAtrs => new()
    {
        { "3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A", "NXP MIFARE Classic 1K (PC/SC part 3)", [0, 1], 15, true },
        { "3B 02 14 50", "Schlumberger Multiflex 3k", [0], 2, false },
        { "3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40", "Yubico YubiKey 5 NFC", [1], 13, true },
        { "3B F8 13 00 00 81 31 FE 45 4A 43 4F 50 76 32 34 31 B7", "NXP JCOP v2.4.1 (Nigerian eID blank card)", [1], 8, true },
        { "3B FE 18 00 00 80 31 FE 45 45 73 74 45 49 44 20 76 65 72 20 31 2E 30 A8", "Estonian EstEID 3.0 cold", [0, 1], 14, true },
        { "3B 8A 80 01 4A 43 4F 50 34 31 56 32 32 31 7F", "NXP JCOP 41 v2.2.1 RFID interface", [0, 1], 10, true },
        { "3F 2F 00 80 59 AF 02 01 01 30 00 00 0A 0E 83 06 9F 12", "Gemplus GemXplore (inverse convention)", [0], 15, false },
        { "3BFC180000813180459067464A00680804000000000E", "apdu4j README trace", [1], 12, true },
        { "3BFE1800008031FE4553434536302D43443038312D6E46A9", "apdu4j README dump", [0, 1], 14, true },
    };

    [Theory]
    [MemberData(nameof(RealAtrs))]
    public void Real_ATRs_parse_and_rebuild(string hex, string card, int[] protocols, int historicalLength, bool hasTck)
    {
        var bytes = H(hex);
        var atr = Atr.Parse(bytes);
        Assert.Equal(protocols, atr.Protocols);
        Assert.Equal(historicalLength, atr.HistoricalBytes.Length);
        Assert.Equal(hasTck, atr.Tck is not null);
        Assert.Equal(bytes, atr.ToArray());
        Assert.Equal(bytes, atr.Bytes.ToArray());

        var rebuilt = Atr.BuildFromGroups(atr.InterfaceGroups, atr.HistoricalBytes.Span, atr.Convention);
        Assert.True(bytes.AsSpan().SequenceEqual(rebuilt.ToArray()), card);
    }

    [Fact]
    public void Interface_bytes_of_the_YubiKey_ATR()
    {
        var atr = Atr.Parse("3B FD 13 00 00 81 31 FE 15 80 73 C0 21 C0 57 59 75 62 69 4B 65 79 40");
        Assert.Equal((byte)0x13, atr.TA(1));
        Assert.Equal((byte)0x00, atr.TB(1));
        Assert.Equal((byte)0x00, atr.TC(1));
        Assert.Equal((byte)0x81, atr.TD(1));
        Assert.Null(atr.TA(2));
        Assert.Equal((byte)0x31, atr.TD(2));
        Assert.Equal((byte)0xFE, atr.TA(3)); // IFSC for T=1
        Assert.Equal((byte)0x15, atr.TB(3)); // BWI/CWI for T=1
        Assert.Null(atr.TC(3));
        Assert.Null(atr.TA(4));
        Assert.Null(atr.TA(0));
        Assert.Equal(3, atr.InterfaceGroups.Count);
        Assert.Equal(new AtrInterfaceGroup(0xFE, 0x15), atr.InterfaceGroups[2]);
    }

    [Fact]
    public void Builds_the_MIFARE_and_Multiflex_ATRs_from_protocols()
    {
        var mifare = H("3B 8F 80 01 80 4F 0C A0 00 00 03 06 03 00 01 00 00 00 00 6A");
        Assert.Equal(mifare, Atr.Build([0, 1], mifare.AsSpan(4, 15)).ToArray());
        Assert.Equal(H("3B 02 14 50"), Atr.Build([0], H("14 50")).ToArray());
        Assert.Equal(H("3B 02 14 50"), Atr.Build([], H("14 50")).ToArray());
        Assert.Equal(H("3F 20 00"), Atr.Build([0], [], tb1: 0x00, convention: AtrConvention.Inverse).ToArray());
    }

    [Fact]
    public void Build_with_global_bytes_and_T1_only()
    {
        var atr = Atr.Build([1], H("80"), ta1: 0x96);
        // T0 = 91 (TA1, TD1; 1 historical byte), TA1 = 96, TD1 = 01, 80, TCK = 91 ^ 96 ^ 01 ^ 80.
        Assert.Equal(H("3B 91 96 01 80").Concat(new[] { (byte)(0x91 ^ 0x96 ^ 0x01 ^ 0x80) }), atr.ToArray());
        Assert.Equal([1], atr.Protocols);
        Assert.Equal(2, atr.InterfaceGroups.Count);
        Assert.True(atr.InterfaceGroups[1].IsEmpty);
    }

    [Theory]
    [InlineData("3B 89 80 01 80 57 54 45 53 53 45 52 41 99", "bad TCK 99", "should be 98")]
    [InlineData("3B 89 80 01 80 57 54 45 53 53 45 52 41", "TCK is missing", "")]
    [InlineData("3B 89 80 01 80 57 54 45 53 53 45 52", "T0 announces 9 historical bytes, 8 present", "")]
    [InlineData("3B 89 80", "TD2 is announced but missing", "")]
    [InlineData("3B 89", "TD1 is announced but missing", "")]
    [InlineData("3B FD 13 00", "TC1", "")]
    [InlineData("3B", "T0 is missing", "")]
    [InlineData("", "empty", "")]
    [InlineData("3C 00", "TS 3C", "")]
    [InlineData("3B 02 14 50 11", "1 unexpected byte(s) after the historical bytes", "no TCK")]
    [InlineData("3B 89 80 01 80 57 54 45 53 53 45 52 41 98 00", "after the TCK", "")]
    [InlineData("3B 80 1F 00", "T=15", "")]
    public void Malformed_ATRs_are_refused_with_a_reason(string hex, string reason, string more)
    {
        var bytes = H(hex);
        Assert.False(Atr.TryParse(bytes, out var atr, out var why));
        Assert.Null(atr);
        Assert.Contains(reason, why);
        Assert.Contains(more, why);
        Assert.Equal(why, Assert.Throws<AtrFormatException>(() => Atr.Parse(bytes)).Message);
    }

    [Fact]
    public void ATRs_longer_than_33_bytes_are_refused()
    {
        Assert.Contains("at most 33", Assert.Throws<AtrFormatException>(() => Atr.Parse(new byte[34])).Message);
        var groups = Enumerable.Range(0, 6).Select(_ => new AtrInterfaceGroup(1, 2, 3, 1)).ToArray();
        Assert.Throws<ArgumentException>(() => Atr.BuildFromGroups(groups, Pattern(15)));
    }

    [Fact]
    public void Build_argument_checks()
    {
        Assert.Throws<ArgumentException>(() => Atr.Build([0], new byte[16]));
        Assert.Throws<ArgumentException>(() => Atr.Build([1, 0], []));
        Assert.Throws<ArgumentException>(() => Atr.Build([1, 1], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => Atr.Build([15], []));
        Assert.Throws<ArgumentException>(() => Atr.BuildFromGroups([new AtrInterfaceGroup(TA: 0x11), new AtrInterfaceGroup(TA: 0x11)], []));
        Assert.Throws<ArgumentException>(() => Atr.BuildFromGroups([new AtrInterfaceGroup(Protocol: 15)], []));
        Assert.Throws<ArgumentException>(() => Atr.BuildFromGroups([], []));
    }

    [Fact]
    public void Global_interface_bytes_after_T15_need_a_TCK()
    {
        // TD1 = 81 (T=1), TD2 = 1F (T=15, TA3 global), TA3 = 03.
        var atr = Atr.BuildFromGroups([new AtrInterfaceGroup(Protocol: 1), new AtrInterfaceGroup(Protocol: 15), new AtrInterfaceGroup(TA: 0x03)], []);
        Assert.Equal(H("3B 80 81 1F 03").Concat(new[] { (byte)(0x80 ^ 0x81 ^ 0x1F ^ 0x03) }), atr.ToArray());
        Assert.Equal([1], atr.Protocols);
    }
}

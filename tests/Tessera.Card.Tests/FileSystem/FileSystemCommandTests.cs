using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.FileSystem;

/// <summary>SPEC §2 file-system commands, checked byte for byte through the card's APDU door.</summary>
public sealed class FileSystemCommandTests : IDisposable
{
    private readonly TestCard card = new();

    public void Dispose() => card.Dispose();

    [Fact]
    public void SelectMfReturnsItsFcp()
    {
        var fcp = card.Expect("00A4000000", 0x9000);
        // 62 { 82 38, 83 3F00, 8A 05, A5 { C0 00, C1 00, C3 00, C4 00 } } on an open development card
        Assert.Equal(Hex.Parse("6218 820138 83023F00 8A0105 A50CC00100C10100C30100C40100"), fcp);
        card.Expect("00A4000C00", 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
    }

    [Fact]
    public void NewCardMfNeedsIsdSecureChannelToCreateOrDelete()
    {
        using var closed = new TestCard(openFileSystem: false);
        var fcp = closed.Expect("00A4000000", 0x9000);
        Assert.Equal(Hex.Parse("A50CC00100C10100C30130C40130"), fcp[^14..]);
        closed.Expect(Create(EfFcp(0x0101, 16)), 0x6982);
        closed.Expect("00E40000023F00", 0x6A82);
    }

    [Fact]
    public void CommandStorageDfExistsOnEveryCard()
    {
        var fcp = card.Expect("00A4040010544553534552412E49535355414E4345", 0x9000);
        Assert.Contains((byte)0x84, fcp);
        card.Expect("00A4000C027F50", 0x9000);
        card.Expect("00A4080C027F50", 0x9000);
        card.Expect("00E4000000", 0x6985);
    }

    [Fact]
    public void CreateSelectWriteReadEf()
    {
        card.Expect(Create(DfFcp(0x1000, "A0000000011000")), 0x9000);
        card.Expect(Create(EfFcp(0x1001, 300)), 0x9000);
        // the created EF is current
        card.Expect("00D6000004DEADBEEF", 0x9000);
        Assert.Equal(Hex.Parse("DEADBEEF"), card.Expect("00B0000004", 0x9000));
        card.Expect("00A4000C023F00", 0x9000);
        card.Expect("00A4080C0410001001", 0x9000);
        Assert.Equal(Hex.Parse("DEADBEEF00"), card.Expect("00B0000005", 0x9000));
        card.Expect("00A40400 07 A0000000011000".Replace(" ", string.Empty), 0x9000);
        card.Expect("00A4020C021001", 0x9000);
        card.Expect("00B0000104", 0x9000);
        // SELECT EF returns its FCP with size 012C
        var fcp = card.Expect("00A4020002100100", 0x9000);
        Assert.Equal(Hex.Parse("62 1C 8002012C 820101 83021001 8A0105 A50CC00100C10100C20100C30100".Replace(" ", string.Empty)), fcp);
    }

    [Fact]
    public void ReadBinaryBoundaries()
    {
        card.Expect(Create(EfFcp(0x0101, 10)), 0x9000);
        card.Expect("00D600000A00010203040506070809", 0x9000);
        Assert.Equal(Hex.Parse("0809"), card.Expect("00B0000802", 0x9000));
        // Ne larger than what is left: the bytes that exist, warning 6282
        Assert.Equal(Hex.Parse("0809"), card.Expect("00B0000804", 0x6282));
        // Le 00 (maximum) reads to the end without a warning
        Assert.Equal(Hex.Parse("0809"), card.Expect("00B0000800", 0x9000));
        card.Expect("00B0000A01", 0x6B00);
        card.Expect("00B0001001", 0x6B00);
        card.Expect("00D6000803AABB", 0x6700);
        card.Expect("00D60008030102 03", 0x6A84);
        card.Expect("00D6000B0101", 0x6B00);
        card.Expect("00B00000", 0x6700);
        Assert.Equal(Hex.Parse("00010203040506070809"), card.Expect("00B0000000", 0x9000));
    }

    [Fact]
    public void OddInsReadAndUpdateUseOffsetAndDiscretionaryDataObjects()
    {
        card.Expect(Create(EfFcp(0x0102, 70000)), 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        // UPDATE BINARY odd INS, P1-P2 = FID, offset 0x010000 beyond the 15-bit even-INS range
        card.Expect("00D70102 0A 5403010000 5303AABBCC".Replace(" ", string.Empty), 0x9000);
        var response = card.Expect("00B10102 05 5403010000 05".Replace(" ", string.Empty), 0x9000);
        Assert.Equal(Hex.Parse("5303AABBCC"), response);
        // current EF form (P1-P2 0000)
        Assert.Equal(Hex.Parse("5301BB"), card.Expect("00B10000 05 5403010001 03".Replace(" ", string.Empty), 0x9000));
        card.Expect("00D70000 03 5401FF".Replace(" ", string.Empty), 0x6A80);
        card.Expect("00D70000 05 990100 5300".Replace(" ", string.Empty), 0x6A80);
        card.Expect("00B10000 03 54 0201 00".Replace(" ", string.Empty), 0x6A80);
    }

    [Fact]
    public void ExtendedLengthUpdateAndRead()
    {
        card.Expect(Create(EfFcp(0x0103, 3000)), 0x9000);
        var content = Enumerable.Range(0, 3000).Select(i => (byte)(i * 7)).ToArray();
        card.Expect(new CommandApdu(0x00, 0xD6, 0, 0, content, extended: true), 0x9000);
        Assert.Equal(content, card.Expect(new CommandApdu(0x00, 0xB0, 0, 0, ne: 65536), 0x9000));
        Assert.Equal(content[1000..2000], card.Expect(new CommandApdu(0x00, 0xB0, 0x03, 0xE8, ne: 1000), 0x9000));
    }

    [Fact]
    public void ShortEfIdentifierInP1()
    {
        card.Expect(Create(EfFcp(0x0105, 4)), 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        card.Expect("00D6850002CAFE", 0x9000);
        Assert.Equal(Hex.Parse("CAFE"), card.Expect("00B0850002", 0x9000));
        card.Expect("00B0860002", 0x6A82);
    }

    [Fact]
    public void CreateFileRejectsBadTemplates()
    {
        card.Expect(Create("620E8302010182010180020010990100"), 0x6A80);
        card.Expect(Create("620782010183020101"), 0x6A80);
        card.Expect(Create("62078302010182010F"), 0x6A80);
        card.Expect(Create("6207830201018201 01".Replace(" ", string.Empty)), 0x6A80);
        card.Expect(Create("6F03820101"), 0x6A80);
        card.Expect(Create("62FF820101"), 0x6A80);
        card.Expect(Create(EfFcp(0x3F00, 8)), 0x6A80);
        card.Expect(Create(EfFcp(0x0101, 8, read: 0x40)), 0x6A80);
        card.Expect(Create(EfFcp(0x0101, 8)), 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        card.Expect(Create(EfFcp(0x0101, 8)), 0x6A89);
        card.Expect(Create(DfFcp(0x2000, "544553534552412E49535355414E4345")), 0x6A8A);
        card.Expect($"00E00001{EfFcp(0x0102, 8).Length / 2:X2}{EfFcp(0x0102, 8)}", 0x6A86);
    }

    [Fact]
    public void NvmExhaustionAnswers6A84AndChangesNothing()
    {
        var before = card.Device.CanonicalDump();
        card.Expect(Create(EfFcp(0x0110, 2_000_000)), 0x6A84);
        card.Expect(Create(EfFcp(0x0110, 0x7FFF_FFFF)), 0x6A84);
        Assert.Equal(before, card.Device.CanonicalDump());
        card.Expect(Create(EfFcp(0x0110, 1000)), 0x9000);
    }

    [Fact]
    public void AccessConditionsAreEnforced()
    {
        card.Expect(Create(EfFcp(0x0120, 4, read: 0xFF, update: 0x30, delete: 0xFF)), 0x9000);
        card.Expect("00B0000004", 0x6982);
        card.Expect("00D600000101", 0x6982);
        card.Expect("00E4000000", 0x6982);
        card.Expect(Create(EfFcp(0x0121, 4, read: 0x11)), 0x9000);
        card.Expect("00B0000004", 0x6982);
    }

    [Fact]
    public void DeleteFileRemovesSubtreeAndFreesNvm()
    {
        var empty = card.Device.CanonicalDump();
        card.Expect(Create(DfFcp(0x1000)), 0x9000);
        card.Expect(Create(EfFcp(0x1001, 5000)), 0x9000);
        card.Expect("00A4000C023F00", 0x9000);
        card.Expect("00E40000021000", 0x9000);
        card.Expect("00A4000C021000", 0x6A82);
        Assert.Equal(empty, card.Device.CanonicalDump());
        card.Expect("00E40000021000", 0x6A82);
        card.Expect("00E4000000", 0x6985);
    }

    [Fact]
    public void SelectErrors()
    {
        card.Expect("00A4000C022F01", 0x6A82);
        card.Expect("00A4000C03010203", 0x6700);
        card.Expect("00A4070C00", 0x6A86);
        card.Expect("00A4000102", 0x6A86);
        card.Expect("00A4040C00", 0x9000); // GP SELECT without an AID selects the ISD
        card.Expect("00A4080C03010203", 0x6700);
        card.Expect("00B0000001", 0x6986);
    }
}

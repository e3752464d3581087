using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.GlobalPlatform;

/// <summary>Command builders against byte strings from GPCS 2.3.1 tables, standards.md and pysim/GlobalPlatformPro traces.</summary>
public sealed class CommandBuilderTests
{
    private static readonly Aid Package = Aid.Parse("F05445535300");
    private static readonly Aid Purse = Aid.Parse("F0544553530101");

    private static string H(CommandApdu c) => c.ToString();

    [Fact]
    public void SelectIsd() => Assert.Equal("00A4040008A00000015100000000", H(SelectCommand.Build(IssuerSecurityDomain.DefaultAid)));

    [Fact]
    public void InitializeUpdateMatchesPysim() =>
        Assert.Equal("8050300008B13E5F938FC108C400", H(InitializeUpdateCommand.Build(0x30, Hex.Parse("B13E5F938FC108C4"))));

    [Fact]
    public void GetDataMatchesPysimAndGlobalPlatformPro()
    {
        Assert.Equal("80CA006600", H(GetDataCommand.Build(GetDataCommand.CardData)));
        Assert.Equal("80CA9F7F00", H(GetDataCommand.Build(GetDataCommand.Cplc)));
        Assert.Equal("80CA00E000", H(GetDataCommand.Build(GetDataCommand.KeyInformation)));
        Assert.Equal("00CADF5200", H(GetDataCommand.Build(GetDataCommand.NvmWriteCount, gpClass: false)));
    }

    [Fact]
    public void GetStatusMatchesPysim()
    {
        Assert.Equal("80F28002024F0000", H(GetStatusCommand.Build(GetStatusScope.IssuerSecurityDomain)));
        Assert.Equal("80F24003024F0000", H(GetStatusCommand.Build(GetStatusScope.Applications, next: true)));
        // pysim's case-3 vector 80F22002 0A 4F021234 5C054F9F70C5 announces 5 bytes in 5C but carries 4; the
        // well-formed tag list is 5C 04
        Assert.Equal("80F220020A4F0212345C044F9F70C500", H(GetStatusCommand.Build(GetStatusScope.LoadFiles, aidPrefix: Hex.Parse("1234"), tagList: Hex.Parse("4F9F70C5"))));
    }

    [Fact]
    public void SetStatusMatchesGlobalPlatformPro()
    {
        Assert.Equal("80F0800F", H(SetStatusCommand.CardLifeCycle(CardLifeCycle.Secured)));
        Assert.Equal("80F0408007F0544553530101", H(SetStatusCommand.Lock(Purse)));
        Assert.Equal("80F0400007F0544553530101", H(SetStatusCommand.Unlock(Purse)));
    }

    [Fact]
    public void InstallEncodings()
    {
        // Table 11-42: len ELF AID | ELF AID | len SD AID | len hash | len params | len token
        Assert.Equal("80E602000B06F054455353000000000000", H(InstallCommand.ForLoad(Package)));
        Assert.Equal("80E602001306F0544553530008A000000151000000000000" + "00", H(InstallCommand.ForLoad(Package, IssuerSecurityDomain.DefaultAid)));
        // Table 11-43 with GPPro's default install parameters C9 00
        Assert.Equal("80E60C001F" + "06F05445535300" + "07F0544553530101" + "07F0544553530101" + "03000000" + "02C900" + "00" + "00",
            H(InstallCommand.ForInstall(Package, Purse, Purse, Privileges.None)));
        Assert.Equal("80E60400" + "21" + "06F05445535300" + "07F0544553530101" + "07F0544553530101" + "039EFE80" + "04C9020102" + "00" + "00",
            H(InstallCommand.ForInstall(Package, Purse, Purse, Privileges.Parse("9EFE80"), InstallCommand.InstallParameters([1, 2]), makeSelectable: false)));
        // Table 11-44 and 11-47
        Assert.Equal("80E60800" + "10" + "0000" + "07F0544553530101" + "03000000" + "0000" + "00", H(InstallCommand.ForMakeSelectable(Purse, Privileges.None)));
        Assert.Equal("80E620000D000007F054455353010100000000", H(InstallCommand.ForPersonalization(Purse)));
    }

    [Fact]
    public void InstallFieldsRoundTrip()
    {
        var install = InstallCommand.ForInstall(Package, Purse, Purse, Privileges.Parse("9EFE80"), InstallCommand.InstallParameters(new byte[200]));
        var fields = InstallCommand.ParseFields(install.Data.Span);
        Assert.Equal(6, fields.Count);
        Assert.Equal(Package.ToArray(), fields[0]);
        Assert.Equal(Purse.ToArray(), fields[2]);
        Assert.Equal(Hex.Parse("9EFE80"), fields[3]);
        Assert.Equal(203, fields[4].Length); // C9 81 C8 + 200 bytes, with the GP length 81 CB in front
        Assert.Equal("81CBC981C8", Convert.ToHexString(install.Data.Span.Slice(1 + 6 + 1 + 7 + 1 + 7 + 1 + 3, 5)));
    }

    [Fact]
    public void DeleteEncodings()
    {
        Assert.Equal("80E4008008" + "4F06F05445535300" + "00", H(DeleteCommand.Build(Package, withRelatedObjects: true)));
        Assert.Equal("80E40000094F07F054455353010100", H(DeleteCommand.Build(Purse)));
        Assert.Equal("80E4000006D00101D2013000", H(DeleteCommand.Key(0x30, 0x01)));
    }

    [Fact]
    public void StoreDataP1Values()
    {
        // standards.md §2.7 worked P1 values
        Assert.Equal(0x08, StoreDataCommand.P1(false, StoreDataFormat.Dgi));
        Assert.Equal(0x88, StoreDataCommand.P1(true, StoreDataFormat.Dgi));
        Assert.Equal(0x10, StoreDataCommand.P1(false, StoreDataFormat.BerTlv));
        Assert.Equal(0x91, StoreDataCommand.P1(true, StoreDataFormat.BerTlv, expectResponse: true));
        Assert.Equal(0x60, StoreDataCommand.P1(false, StoreDataFormat.None, encrypted: true));
        Assert.Equal(0xE0, StoreDataCommand.P1(true, StoreDataFormat.None, encrypted: true));
        Assert.Equal(0xE8, StoreDataCommand.P1(true, StoreDataFormat.Dgi, encrypted: true));
        // pysim GET EID: 80E29100 06 BF3E035C015A 00
        Assert.Equal("80E2910006BF3E035C015A00", H(StoreDataCommand.Build(0, true, StoreDataFormat.BerTlv, Hex.Parse("BF3E035C015A"), expectResponse: true)));
    }

    [Fact]
    public void StoreDataDgisOnePerBlockLongOnesSplit()
    {
        var big = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        var commands = StoreDataCommand.ForDgis([(0x0101, Hex.Parse("000186A00A")), (0x8101, big), (0x0102, Hex.Parse("00000000"))], maxBlockSize: 239);
        Assert.Equal(["80E2080008010105000186A00A", "80E20801EF", "80E20802", "80E2880307010204000000 00".Replace(" ", "", StringComparison.Ordinal)],
            commands.Select((c, i) => i is 1 or 2 ? H(c)[..(i == 1 ? 10 : 8)] : H(c)));
        var stream = commands.SelectMany(c => c.Data.ToArray()).ToArray();
        var reader = new DgiReader(stream);
        Assert.Equal(Hex.Parse("000186A00A"), reader.ReadElement(out var first).ToArray());
        Assert.Equal(0x0101, first);
        Assert.Equal(big, reader.ReadElement(out var second).ToArray());
        Assert.Equal(0x8101, second);
        Assert.Equal(Hex.Parse("8101FF012C"), commands[1].Data.Span[..5].ToArray());
        Assert.Equal(Hex.Parse("00000000"), reader.ReadElement(out _).ToArray());
        Assert.False(reader.HasData);
        Assert.All(commands, c => Assert.True(c.Nc <= 239));
    }

    [Fact]
    public void PutKeyAesKeySetWithKcvs()
    {
        var dek = Hex.Parse("404142434445464748494A4B4C4D4E4F");
        var keys = new StaticKeys(Hex.Parse("000102030405060708090A0B0C0D0E0F"), Hex.Parse("101112131415161718191A1B1C1D1E1F"), Hex.Parse("202122232425262728292A2B2C2D2E2F"));
        var command = PutKeyCommand.Build(0x31, 0x30, keys, dek);
        Assert.Equal("80D83081", H(command)[..8]);
        Assert.Equal(1 + 3 * 23, command.Nc);
        var d = command.Data.Span;
        Assert.Equal(0x31, d[0]);
        // AES key fields: 88 11 10 <16 encrypted> 03 <KCV>; KCVs from pysim SCP03_KCV_Test
        string[] kcvs = ["C35280", "013808", "840DE5"];
        for (var k = 0; k < 3; k++)
        {
            var field = d.Slice(1 + 23 * k, 23);
            Assert.Equal("881110", Convert.ToHexString(field[..3]));
            Assert.Equal("03" + kcvs[k], Convert.ToHexString(field[19..]));
            Assert.Equal(Scp03Dek.Encrypt(dek, Hex.Parse(new[] { "000102030405060708090A0B0C0D0E0F", "101112131415161718191A1B1C1D1E1F", "202122232425262728292A2B2C2D2E2F" }[k])), field.Slice(3, 16).ToArray());
        }

        Assert.Equal("31C35280013808840DE5", Convert.ToHexString(PutKeyCommand.ExpectedResponse(0x31, keys)));
        Assert.Equal(256, command.Ne);
    }

    [Fact]
    public void PutKeyAes256UsesTwoBlocks()
    {
        var key = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var field = PutKeyCommand.KeyComponent(key, new byte[16]);
        Assert.Equal("882120", Convert.ToHexString(field.AsSpan(0, 3)));
        Assert.Equal(3 + 32 + 4, field.Length);
    }

    [Fact]
    public void ManageChannel()
    {
        Assert.Equal("0070000001", H(ManageChannelCommand.Open()));
        Assert.Equal("00708002", H(ManageChannelCommand.Close(2)));
        Assert.Equal(3, ManageChannelCommand.ParseOpened([0x03]));
        Assert.Throws<FormatException>(() => ManageChannelCommand.ParseOpened([]));
    }
}

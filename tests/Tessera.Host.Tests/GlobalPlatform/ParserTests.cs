using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.GlobalPlatform;

/// <summary>Response parsers on published answers, and round trips.</summary>
public sealed class ParserTests
{
    [Fact]
    public void GetStatusIsdEntryFromGlobalPlatformPro()
    {
        var entries = RegistryEntry.ParseAll(GetStatusScope.IssuerSecurityDomain, Hex.Parse(
            "E3464F08A0000000030000009F700101C5039EFE80CF0140CF0141CF0142CF0143CF0180CF0181CF0182CF0183C40BD276000005AAFFCAFE0001CE020001CC08A000000003000000"));
        var isd = Assert.Single(entries);
        Assert.Equal(RegistryEntryKind.IssuerSecurityDomain, isd.Kind);
        Assert.Equal("A000000003000000", isd.Aid.ToString());
        Assert.Equal(0x01, isd.LifeCycle);
        Assert.Equal(Privileges.Parse("9EFE80"), isd.Privileges);
        Assert.True(isd.Privileges!.Value.Has(Privileges.SecurityDomain | Privileges.CardLock));
        Assert.Equal([0x40, 0x41, 0x42, 0x43, 0x80, 0x81, 0x82, 0x83], isd.ImplicitSelection);
        Assert.Equal("D276000005AAFFCAFE0001", isd.LoadFileAid.ToString());
        Assert.Equal(Hex.Parse("0001"), isd.Version);
        Assert.Equal("A000000003000000", isd.SecurityDomainAid.ToString());
    }

    [Fact]
    public void GetStatusShortEntryWithOneBytePrivileges()
    {
        var entry = Assert.Single(RegistryEntry.ParseAll(GetStatusScope.IssuerSecurityDomain, Hex.Parse("E3144F07A00000015100009F700107C50180EA028000")));
        Assert.Equal("A0000001510000", entry.Aid.ToString());
        Assert.Equal(0x07, entry.LifeCycle);
        Assert.Equal(Privileges.SecurityDomain, entry.Privileges);
    }

    [Fact]
    public void RegistryEntryRoundTrips()
    {
        var entry = new RegistryEntry(RegistryEntryKind.ExecutableLoadFile, Aid.Parse("F05445535300"), 0x01, null, null, Aid.Parse("A000000151000000"), [1, 0],
            [Aid.Parse("F0544553530101"), Aid.Parse("F0544553530201")], []);
        var parsed = Assert.Single(RegistryEntry.ParseAll(GetStatusScope.LoadFilesAndModules, entry.Encode()));
        Assert.Equal(entry.Aid, parsed.Aid);
        Assert.Equal(entry.Modules, parsed.Modules);
        Assert.Equal(entry.Version, parsed.Version);
        Assert.Equal(entry.SecurityDomainAid, parsed.SecurityDomainAid);
        Assert.Equal(entry.Encode(), parsed.Encode());
    }

    [Fact]
    public void CardDataFromGlobalPlatformPro()
    {
        var data = CardRecognitionData.Parse(Hex.Parse(
            "6657735506072A864886FC6B01600B06092A864886FC6B020202630906072A864886FC6B03640B06092A864886FC6B040370640B06092A864886FC6B048000650A06082A864886FC6B0504660C060A2B060104012A026E0103"));
        Assert.Equal("2.2", data.GpVersion);
        Assert.Equal([(0x03, 0x70), (0x80, 0x00)], data.SecureChannelProtocols);
    }

    [Fact]
    public void CplcRoundTripsAndReadsTheSerial()
    {
        var cplc = new Cplc(0x4790, 0x5167, 0x4791, 0x1234, 0x0001, 0x5001, 0x00C0FFEE, 2, 3, 4, 5, 6, 7, 8, 0x01020304, 9, 10, 0x0A0B0C0D);
        var encoded = cplc.Encode();
        Assert.Equal("9F7F2A", Convert.ToHexString(encoded.AsSpan(0, 3)));
        Assert.Equal("00C0FFEE", Convert.ToHexString(encoded.AsSpan(3 + 12, 4)));
        Assert.Equal(cplc, Cplc.Parse(encoded));
        Assert.Equal(cplc, Cplc.Parse(cplc.ToBytes()));
        Assert.Equal("00C0FFEE", Cplc.Parse(encoded).IcSerialNumberHex);
        Assert.Throws<FormatException>(() => Cplc.Parse(new byte[41]));
    }

    [Fact]
    public void KeyInformationTemplate()
    {
        var keys = KeyInformation.ParseTemplate(Hex.Parse("E012C00401308810C00402308810C00403308810"));
        Assert.Equal([1, 2, 3], keys.Select(k => (int)k.KeyId));
        Assert.All(keys, k => Assert.Equal(0x30, k.KeyVersion));
        Assert.All(keys, k => Assert.Equal(new KeyComponentInfo(0x88, 0x10), Assert.Single(k.Components)));
    }

    [Fact]
    public void GetDataValueOfTakesEitherForm()
    {
        Assert.Equal("0102", Convert.ToHexString(GetDataCommand.ValueOf(0x42, Hex.Parse("42020102")).Span));
        Assert.Equal("0102", Convert.ToHexString(GetDataCommand.ValueOf(0x42, Hex.Parse("0102")).Span));
        Assert.Equal(7u, GetDataCommand.ParseNvmWriteCount(Hex.Parse("DF520400000007")));
    }

    [Fact]
    public void SelectFciAid()
    {
        Assert.Equal(IssuerSecurityDomain.DefaultAid, SelectCommand.ParseFciAid(Hex.Parse("6F108408A000000151000000A5049F6501FF")));
        Assert.Null(SelectCommand.ParseFciAid([]));
    }
}

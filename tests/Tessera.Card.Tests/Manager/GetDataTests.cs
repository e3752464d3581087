using Tessera.Crypto;

namespace Tessera.Card.Tests.Manager;

public sealed class GetDataTests
{
    [Fact]
    public void CplcCarriesTheSerialNumber()
    {
        using var card = ManagerCards.New();
        var cplc = card.Expect("80CA9F7F00", 0x9000);
        Assert.Equal("9F7F2A", Convert.ToHexString(cplc[..3]));
        Assert.Equal(45, cplc.Length);
        Assert.Equal(ManagerCards.Serial, Convert.ToHexString(cplc.AsSpan(3 + 12, 8)));
    }

    [Fact]
    public void CardDataKeyInformationAndCin()
    {
        using var card = ManagerCards.New();
        Assert.Equal("66", Convert.ToHexString(card.Expect("80CA006600", 0x9000)[..1]));
        Assert.Contains("2A864886FC6B040370", Convert.ToHexString(card.Expect("80CA006600", 0x9000)), StringComparison.Ordinal);
        Assert.Equal("E012C00401308810C00402308810C00403308810", Convert.ToHexString(card.Expect("80CA00E000", 0x9000)));
        Assert.Equal("4508" + ManagerCards.Serial, Convert.ToHexString(card.Expect("00CA004500", 0x9000)));
        card.Expect("80CA004200", 0x6A88);
        card.Expect("80CA123400", 0x6A88);
        card.Expect("80CA0066020000", 0x6700);
    }

    [Fact]
    public void StoreDataSetsIinCinAndCardData()
    {
        using var card = ManagerCards.New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        session.Expect("80E2000009420589000012344500", 0x6A80); // 45 with no value
        session.Expect("80E200000742058900001234", 0x9000);
        session.Expect("80E28801080070054503AABBCC", 0x9000);
        session.Expect("80E2000203420111", 0x6A86); // block numbers restart at 00 after the last block
        Assert.Equal("42058900001234", Convert.ToHexString(session.Expect("80CA004200", 0x9000)));
        Assert.Equal("4503AABBCC", Convert.ToHexString(session.Expect("80CA004500", 0x9000)));
    }
}

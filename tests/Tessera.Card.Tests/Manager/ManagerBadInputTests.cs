using Tessera.Crypto;
using static Tessera.Card.Tests.Manager.ManagerCards;

namespace Tessera.Card.Tests.Manager;

/// <summary>Bad input to every ISD command gets its GP status word and changes nothing.</summary>
public sealed class ManagerBadInputTests
{
    public static TheoryData<string, ushort> InSession => new()
    {
        { "80F2400202", 0x6A80 },            // GET STATUS without 4F
        { "80F24002024F01", 0x6A80 },        // malformed TLV
        { "80F26002024F00", 0x6A86 },        // P1
        { "80F24000024F00", 0x6A86 },        // P2 00 (deprecated format)
        { "80F28003024F00", 0x6985 },        // ISD with 'next'
        { "80F0800000", 0x6A86 },            // SET STATUS to 00
        { "80F0200700", 0x6A86 },            // SET STATUS P1
        { "80F0408003A00000", 0x6A80 },      // AID too short
        { "80E4000002 4F00", 0x6A80 },       // DELETE empty AID
        { "80E4000003 4F0112", 0x6A80 },
        { "80E4000408 4F06F05445535300", 0x6A86 },
        { "80E4000008 4F06F05445535300", 0x6A88 },
        { "80E400000A 4F08A000000151000000", 0x6985 },
        { "80E4000003 D20131", 0x6A88 },
        { "80E4000003 D20130", 0x6985 },      // the last key set
        { "80E4000001 4F", 0x6A80 },
        { "80E6020006 06F054455353", 0x6A80 }, // INSTALL truncated
        { "80E6020105 0600000000", 0x6A86 },
        { "80E6FF0005 0000000000", 0x6A86 },
        { "80E6080008 0000 05F054455353", 0x6A80 },
        { "80E608000B 0000 05F054455353 000000", 0x6A88 },
        { "80E620000B 0000 05F054455353 000000", 0x6A88 },
        { "80E8000001 C4", 0x6985 },          // LOAD without INSTALL [for load]
        { "80E2000003 BF3E00", 0x6A80 },      // STORE DATA of an unknown object
        { "80E2000003 420312", 0x6A80 },      // malformed TLV
        { "80E2600003 420112", 0x6A86 },      // encrypted
        { "80E2000103 420112", 0x6A86 },      // block number
        { "80E2080003 004205", 0x6A80 },    // malformed DGI
        { "80E20800050042010112", 0x6A88 },   // DGI 0042
        { "80CA9F7F0100", 0x6700 },
        { "80D800810131", 0x6A80 },
        { "80DE000000", 0x6D00 },
        { "00F2400002 4F00", 0x6E00 },
    };

    [Theory]
    [MemberData(nameof(InSession))]
    public void RefusedInSessionWithoutEffect(string plain, ushort sw)
    {
        using var card = New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        var before = card.Device.CanonicalDump();
        session.Expect(plain.Replace(" ", string.Empty, StringComparison.Ordinal), sw);
        Assert.Equal(before, card.Device.CanonicalDump());
    }

    public static TheoryData<string> NeedSecureChannel => new()
    {
        "80F28002024F00", "80F08007", "80D80081" + "0131", "80E2800003420112", "80E4000008 4F06F05445535300",
        "80E602000B06F05445535300 00000000", "80E880000100",
    };

    [Theory]
    [MemberData(nameof(NeedSecureChannel))]
    public void ContentCommandsNeedTheSecureChannel(string command)
    {
        using var card = New();
        var before = card.Device.CanonicalDump();
        card.Expect(command.Replace(" ", string.Empty, StringComparison.Ordinal), 0x6982);
        Assert.Equal(before, card.Device.CanonicalDump());
    }
}

using Tessera.Crypto;
using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.Manager;

public sealed class SecureChannelTests
{
    public static TheoryData<byte, int> LevelsAndKeyLengths => new()
    {
        { 0x01, 16 }, { 0x03, 16 }, { 0x11, 16 }, { 0x13, 16 }, { 0x33, 16 },
        { 0x01, 32 }, { 0x03, 32 }, { 0x33, 32 }, { 0x33, 24 }, { 0x00, 16 },
    };

    [Theory]
    [MemberData(nameof(LevelsAndKeyLengths))]
    public void FullSessionProtectsGpAndFileSystemCommands(byte level, int keyLength)
    {
        var key = Enumerable.Range(0x40, keyLength).Select(i => (byte)i).ToArray();
        var hex = Convert.ToHexString(key);
        var profile = ManagerCards.Profile with { Scp03 = new Scp03Profile { KeySets = [new Scp03KeySetProfile { Enc = hex, Mac = hex, Dek = hex }] } };
        using var card = ManagerCards.New(profile);
        var session = HostSession.Open(card, (Scp03SecurityLevel)level, StaticKeys.FromSingleKey(key));

        var cardData = session.Expect("80CA006600", 0x9000);
        Assert.Equal(0x66, cardData[0]);
        var isd = session.Expect("80F28002024F0000", 0x9000);
        Assert.Equal($"E3{(ManagerCards.IsdAid.Length / 2) + 11:X2}4F08{ManagerCards.IsdAid}9F700101C5039EFE80", Convert.ToHexString(isd));

        // A file-system command under SCP03 (CLA 04 on the wire), with access condition 30 on the MF.
        session.Expect(Create(EfFcp(0x2001, 4)), 0x9000);
        session.Expect("00D6000004CAFEBABE", 0x9000);
        Assert.Equal("CAFEBABE", Convert.ToHexString(session.Expect("00B0000004", 0x9000)));
    }

    [Fact]
    public void WithoutSessionTheIsdChannelConditionFails()
    {
        using var card = ManagerCards.New();
        card.Expect(Create(EfFcp(0x2001, 4)), 0x6982);
    }

    [Fact]
    public void BrokenMacAbortsTheSession()
    {
        using var card = ManagerCards.New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        var wrapped = session.Wrapper.WrapCommand(Hex.Parse("80CA006600"));
        wrapped[^2] ^= 0x01;
        Assert.Equal(0x6982, card.Send(Convert.ToHexString(wrapped)).SW);

        // The session is gone: content-changing commands need a new one.
        card.Expect("80F28002024F00", 0x6982);
        card.Expect(Create(EfFcp(0x2001, 4)), 0x6982);
    }

    [Fact]
    public void UnwrappedCommandDuringSessionIsRefusedAndAbortsIt()
    {
        using var card = ManagerCards.New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        card.Expect("00A4000C023F00", 0x6982);
        card.Expect("80F28002024F00", 0x6982);
    }

    [Fact]
    public void WrongHostCryptogramGives6300AndNoSession()
    {
        using var card = ManagerCards.New();
        var session = HostSession.Initialize(card, HostSession.DefaultKeys);
        var iu = Scp03InitializeUpdateResponse.Parse(session.InitializeUpdateResponse);
        var keys = Scp03Derivation.DeriveSessionKeys(HostSession.DefaultKeys, HostSession.DefaultHostChallenge, iu.CardChallenge);
        var otherChallenge = iu.CardChallenge.ToArray();
        otherChallenge[0] ^= 0x01;

        // Correct S-MAC (so the C-MAC verifies) but a host cryptogram over the wrong challenge.
        var liar = new Scp03Wrapper(keys, HostSession.DefaultHostChallenge, otherChallenge);
        card.Expect(Convert.ToHexString(liar.BuildExternalAuthenticate(Scp03SecurityLevel.CMac)), 0x6300);
        card.Expect("80F28002024F00", 0x6982);

        // A broken C-MAC on EXTERNAL AUTHENTICATE is a security error.
        var again = HostSession.Initialize(card, HostSession.DefaultKeys);
        var ea = again.Wrapper.BuildExternalAuthenticate(Scp03SecurityLevel.CMac);
        ea[^1] ^= 0x01;
        card.Expect(Convert.ToHexString(ea), 0x6982);
        card.Expect("80F28002024F00", 0x6982);
    }

    [Fact]
    public void ExternalAuthenticateNeedsInitializeUpdate()
    {
        using var card = ManagerCards.New();
        card.Expect("848201001000000000000000000000000000000000", 0x6985);
    }

    [Fact]
    public void SelectByFidKeepsTheSessionAndSelectingAnApplicationEndsIt()
    {
        using var card = ManagerCards.New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.RMac);
        session.Expect("00A4000C023F00", 0x9000);
        session.Expect("80F28002024F00", 0x9000);
        var wrapped = session.Wrapper.WrapCommand(Hex.Parse($"00A40400{ManagerCards.Lv(ManagerCards.IsdAid)}00"));
        var fci = card.Send(Convert.ToHexString(wrapped));
        Assert.Equal(0x9000, fci.SW);
        Assert.Equal(0x6F, fci.Data.Span[0]);
        card.Expect("80F28002024F00", 0x6982);
    }

    [Fact]
    public void EachLogicalChannelHasItsOwnSession()
    {
        using var card = ManagerCards.New();
        Assert.Equal([0x01], card.Expect("0070000001", 0x9000));
        var one = HostSession.Open(card, Scp03SecurityLevel.CMac, channel: 1);
        one.Expect("81F28002024F00", 0x9000);
        card.Expect("80F28002024F00", 0x6982);
        card.Expect(Create(EfFcp(0x2002, 4)), 0x6982);
        one.Expect(Create(EfFcp(0x2002, 4)).Replace("00E0", "01E0", StringComparison.Ordinal), 0x9000);
    }

    [Fact]
    public void SelectWithoutDataSelectsTheIsd()
    {
        using var card = ManagerCards.New();
        var fci = card.Expect("00A4040000", 0x9000);
        Assert.Equal($"6F{fci[1]:X2}84{ManagerCards.Lv(ManagerCards.IsdAid)}", Convert.ToHexString(fci[..12]));
        card.Expect($"00A4040C{ManagerCards.Lv(ManagerCards.IsdAid)}", 0x9000);
    }
}

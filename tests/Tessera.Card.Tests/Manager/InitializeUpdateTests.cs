using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Manager;

public sealed class InitializeUpdateTests
{
    /// <summary>
    /// Computed independently (Python, cryptography's AES-CMAC, SP 800-108 as Amendment D §4.1.5) for the default
    /// profile with serial 0102030405060708: KDD = serial ‖ 0000, KVN 30, i 70, counter 0 → 1, ISD AID
    /// A000000151000000, key 404142…4F, host challenge 1122334455667788.
    /// </summary>
    private const string DefaultProfileResponse = "0102030405060708000030037086C8BD65FA1044EEE68C7601B9B974C2000001";

    [Fact]
    public void DefaultProfileAnswersTheIndependentlyComputedVector()
    {
        using var card = ManagerCards.New();
        Assert.Equal(DefaultProfileResponse, Convert.ToHexString(card.Expect("80500000081122334455667788 00", 0x9000)));
    }

    [Fact]
    public void PysimPublishedSessionIsReproducedByteForByte()
    {
        // osmocom/pysim tests/unittests/test_globalplatform.py SCP03_Test_AES128_11 (see Tessera.Crypto.Tests).
        var profile = ManagerCards.Profile with
        {
            IsdAid = "A0000005591010FFFFFFFF8900000100",
            Scp03 = new Scp03Profile
            {
                SequenceCounter = 1,
                DiversificationData = "00000000000000000000",
                KeySets = [new Scp03KeySetProfile { Kvn = "30", Enc = "000102030405060708090a0b0c0d0e0f", Mac = "101112131415161718191a1b1c1d1e1f", Dek = "202122232425262728292a2b2c2d2e2f" }],
            },
        };
        using var card = ManagerCards.New(profile);
        var iu = card.Expect("8050300008b13e5f938fc108c400", 0x9000);
        Assert.Equal("000000000000000000003003703EB51047495B249F66C484C1D2EF1948000002", Convert.ToHexString(iu));
        card.Expect("84821100107d5f5826a993ebc89eea24957fa0b3ce", 0x9000);

        // The published wrapped commands all pass the card's C-MAC check (the ISD refuses what it does not know).
        card.Expect("84e291000ebf3e035c015a558d036518a2829700", 0x6A80);
        card.Expect("84f220020863a63f8959827fb2", 0x6A80);
        var cardData = card.Send("84ca006608a0c6a4a74166f7ce00");
        Assert.Equal(0x9000, cardData.SW);
        card.Expect("84f22002124f0212345c054f9f70c52249b50272656536", 0x6A80); // pysim's 5C announces 5 bytes and has 4
    }

    [Fact]
    public void SequenceCounterPersistsAndDerivesEachChallenge()
    {
        using var card = ManagerCards.New();
        var first = Scp03InitializeUpdateResponse.Parse(card.Expect("8050000008112233445566778800", 0x9000));
        card.Device.PowerOff();
        card.Device.PowerOn();
        var second = Scp03InitializeUpdateResponse.Parse(card.Expect("8050300008112233445566778800", 0x9000));
        Assert.Equal("000001", Convert.ToHexString(first.SequenceCounter));
        Assert.Equal("000002", Convert.ToHexString(second.SequenceCounter));
        var expected = Scp03Derivation.PseudoRandomCardChallenge(Hex.Parse(CardProfile.DefaultScp03KeyHex), 2, Hex.Parse(ManagerCards.IsdAid));
        Assert.Equal(expected, second.CardChallenge.ToArray());
        Assert.Equal([0x00, 0x00, 0x02], card.Expect("80CA00C100", 0x9000)[2..]);
    }

    [Fact]
    public void RandomChallengeModeAnswers29BytesThatVerify()
    {
        using var card = ManagerCards.New(ManagerCards.Profile with { Scp03 = new Scp03Profile { I = "00" } });
        var before = card.Device.CanonicalDump();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        Assert.Equal(29, session.InitializeUpdateResponse.Length);
        Assert.Equal(before, card.Device.CanonicalDump());
    }

    [Fact]
    public void BadInitializeUpdatesAreRefusedAndChangeNothing()
    {
        using var card = ManagerCards.New();
        var before = card.Device.CanonicalDump();
        card.Expect("8050310008112233445566778800", 0x6A88);
        card.Expect("8050000108112233445566778800", 0x6A86);
        card.Expect("80500000071122334455667700", 0x6700);
        card.Expect("805000000911223344556677889900", 0x6700);
        card.Expect("0050000008112233445566778800", 0x6E00);
        Assert.Equal(before, card.Device.CanonicalDump());
    }

    [Fact]
    public void ExhaustedSequenceCounterGives6985()
    {
        using var card = ManagerCards.New(ManagerCards.Profile with { Scp03 = new Scp03Profile { SequenceCounter = 0xFFFFFF } });
        card.Expect("8050000008112233445566778800", 0x6985);
    }
}

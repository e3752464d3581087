using Tessera.Crypto;
using Tessera.Iso7816;
using static Tessera.Card.Tests.Manager.ManagerCards;

namespace Tessera.Card.Tests.Manager;

public sealed class LifeCycleAndKeyTests
{
    private static readonly byte[] Key1 = Hex.Parse("000102030405060708090A0B0C0D0E0F");
    private static readonly byte[] Key2 = Hex.Parse("101112131415161718191A1B1C1D1E1F101112131415161718191A1B1C1D1E1F");

    [Fact]
    public void CardLifeCycleTransitions()
    {
        using var card = New();
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect("80F0807F", 0x6985); // OP_READY -> CARD_LOCKED
        session.Expect("80F0800100", 0x6A86); // OP_READY is not a target
        session.Expect("80F08007", 0x9000);
        session.Expect("80F08007", 0x6985); // to the current state
        session.Expect("80F0800F", 0x9000);
        session.Expect("80F08007", 0x6985); // back to INITIALIZED
        session.Expect("80F0807F", 0x9000);
        Assert.Equal("9F70017F", Convert.ToHexString(session.Expect("80F28002024F0000", 0x9000)[12..16]));

        // CARD_LOCKED: no implicit selection, no content change, SELECT of the ISD warns 6283.
        card.Device.PowerOff();
        card.Device.PowerOn();
        card.Expect("80CA006600", 0x6D00);
        Assert.Equal(0x6283, card.Send($"00A40400{Lv(IsdAid)}00").SW);
        session = HostSession.Open(card, Scp03SecurityLevel.CMac);
        session.Expect(Apdu("80E28000", "420111"), 0x6985);
        session.Expect("80F0800F", 0x9000);
        session.Expect("80F080FF", 0x9000);

        // TERMINATED: only GET DATA.
        card.Device.PowerOff();
        card.Device.PowerOn();
        card.Expect($"00A40400{Lv(IsdAid)}00", 0x9000);
        card.Expect("80CA9F7F00", 0x9000);
        card.Expect("8050000008112233445566778800", 0x6985);
    }

    [Fact]
    public void SetStatusNeedsASecureChannel()
    {
        using var card = New();
        var before = card.Device.CanonicalDump();
        card.Expect("80F08007", 0x6982);
        Assert.Equal(before, card.Device.CanonicalDump());
    }

    [Fact]
    public void PutKeyAddsAndReplacesKeySets()
    {
        using var card = New();
        var defaultDek = Hex.Parse(CardProfile.DefaultScp03KeyHex);
        var session = HostSession.Open(card, (Scp03SecurityLevel)0x33);
        var answer = session.Expect(Apdu("80D80081", PutKeyData(0x31, Key1, Key1, Key1, defaultDek)), 0x9000);
        Assert.Equal("31" + string.Concat(Enumerable.Repeat("C35280", 3)), Convert.ToHexString(answer));

        // The new set opens a session; its counter starts at 0.
        card.Device.Reset();
        session = HostSession.Open(card, Scp03SecurityLevel.CMac, StaticKeys.FromSingleKey(Key1), kvn: 0x31);
        Assert.Equal("000001", Convert.ToHexString(Scp03InitializeUpdateResponse.Parse(session.InitializeUpdateResponse).SequenceCounter));

        // Replace KVN 30 by an AES-256 set with KVN 32, under the DEK of the session's key set (31).
        session.Expect(Apdu("80D83081", PutKeyData(0x32, Key2, Key2, Key2, Key1)), 0x9000);
        Assert.Equal("E024C00401328820C00402328820C00403328820C00401318810C00402318810C00403318810", Convert.ToHexString(session.Expect("80CA00E000", 0x9000)));
        card.Device.Reset();
        card.Expect("8050300008112233445566778800", 0x6A88);
        HostSession.Open(card, (Scp03SecurityLevel)0x33, StaticKeys.FromSingleKey(Key2), kvn: 0x32).Expect("80CA006600", 0x9000);
    }

    [Fact]
    public void PutKeyWithBadKcvOrBadInputChangesNothing()
    {
        using var card = New();
        var dek = Hex.Parse(CardProfile.DefaultScp03KeyHex);
        var session = HostSession.Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        var before = card.Device.CanonicalDump();
        session.Expect(Apdu("80D80081", PutKeyData(0x31, Key1, Key1, Key1, dek, breakKcv: true)), 0x6982);
        session.Expect(Apdu("80D80081", PutKeyData(0x30, Key1, Key1, Key1, dek)), 0x6A80); // KVN 30 exists
        session.Expect(Apdu("80D83381", PutKeyData(0x31, Key1, Key1, Key1, dek)), 0x6A88); // no KVN 33 to replace
        session.Expect(Apdu("80D80001", PutKeyData(0x31, Key1, Key1, Key1, dek)), 0x6A86);
        session.Expect(Apdu("80D88081", PutKeyData(0x31, Key1, Key1, Key1, dek)), 0x6A86);
        session.Expect(Apdu("80D80081", PutKeyData(0x31, Key1, Key1, Key2, dek)), 0x6A80); // mixed lengths
        session.Expect(Apdu("80D80081", PutKeyData(0x31, Key1, Key1, Key1, dek)[..^2]), 0x6A80);
        session.Expect(Apdu("80D80081", "31"), 0x6A80);
        session.Expect(Apdu("80D80081", "80" + PutKeyData(0x31, Key1, Key1, Key1, dek)[2..]), 0x6A80);
        Assert.Equal(before, card.Device.CanonicalDump());
    }
}

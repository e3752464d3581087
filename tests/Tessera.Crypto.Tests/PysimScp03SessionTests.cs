namespace Tessera.Crypto.Tests;

/// <summary>
/// Runs every pysim session (see <see cref="PysimScp03Session"/>) through both sides: the host wraps each command
/// and must produce pysim's bytes, the card verifies those bytes and must get the plain command back; the card
/// protects each response and the host must verify and unwrap it.
/// </summary>
public class PysimScp03SessionTests
{
    public static TheoryData<string> Sessions => PysimScp03Session.Names;

    [Theory]
    [MemberData(nameof(Sessions))]
    public void CardAnswersInitializeUpdateByteForByte(string name)
    {
        var session = PysimScp03Session.Get(name);
        byte[] published = Hex.Bytes(session.InitUpdateResponse);
        var parsed = Scp03InitializeUpdateResponse.Parse(published);
        Assert.Equal(0x70, parsed.IParameter);
        Assert.Equal(Hex.Bytes(session.InitUpdateCommand)[2], parsed.KeyVersionNumber);

        // The card side computes every field itself: pseudo-random challenge, session keys, card cryptogram.
        var keys = session.Keys;
        byte[] cardChallenge = Scp03Derivation.PseudoRandomCardChallenge(keys.Enc, parsed.SequenceCounter, Hex.Bytes(PysimScp03Session.IsdRAid));
        var sessionKeys = Scp03Derivation.DeriveSessionKeys(keys, session.HostChallenge, cardChallenge);
        byte[] cardCryptogram = Scp03Derivation.CardCryptogram(sessionKeys, session.HostChallenge, cardChallenge);
        var built = new Scp03InitializeUpdateResponse(new byte[10], parsed.KeyVersionNumber, 0x70, cardChallenge, cardCryptogram, parsed.SequenceCounter);
        Assert.Equal(published, built.ToBytes());
    }

    [Theory]
    [MemberData(nameof(Sessions))]
    public void HostAndCardReproduceTheWholeSession(string name)
    {
        var session = PysimScp03Session.Get(name);
        byte[] initUpdateResponse = Hex.Bytes(session.InitUpdateResponse);
        var parsed = Scp03InitializeUpdateResponse.Parse(initUpdateResponse);

        var host = Scp03Wrapper.FromInitializeUpdate(session.Keys, session.HostChallenge, initUpdateResponse);
        var cardKeys = Scp03Derivation.DeriveSessionKeys(session.Keys, session.HostChallenge, parsed.CardChallenge);
        var card = new Scp03Unwrapper(cardKeys, session.HostChallenge, parsed.CardChallenge);

        // EXTERNAL AUTHENTICATE: host builds pysim's bytes, card accepts them, no R-MAC on its response.
        byte[] externalAuthenticate = host.BuildExternalAuthenticate(session.Level);
        Assert.Equal(Hex.Bytes(session.ExternalAuthenticate), externalAuthenticate);
        card.ExternalAuthenticate(externalAuthenticate);
        Assert.Equal(session.Level, card.SecurityLevel);
        Assert.Equal(session.Level | Scp03SecurityLevel.Authenticated, card.CurrentSecurityLevel);
        Assert.Equal(Hex.Bytes("9000"), card.WrapResponse(Hex.Bytes("9000")));

        // GET EID (STORE DATA, case 4) and its response, both directions.
        Exchange(host, card, PysimScp03Session.GetEidCommandPlain, session.GetEidCommand);
        byte[] plainResponse = Hex.Bytes(PysimScp03Session.GetEidResponsePlain + "9000");
        byte[] protectedResponse = card.WrapResponse(plainResponse);
        Assert.Equal(Hex.Bytes(session.GetEidResponse + "9000"), protectedResponse);
        Assert.Equal(plainResponse, host.UnwrapResponse(protectedResponse));

        // ISO cases 1-4, each followed by a protected response that the host checks.
        string[] responses = ["9000", "6611223344556677889900AABBCCDDEEFF9000", "6A88", "0102036310"];
        string[][] commands =
        [
            [PysimScp03Session.Case1Plain, session.Case1],
            [PysimScp03Session.Case2Plain, session.Case2],
            [PysimScp03Session.Case3Plain, session.Case3],
            [PysimScp03Session.Case4Plain, session.Case4],
        ];
        for (int i = 0; i < commands.Length; i++)
        {
            Exchange(host, card, commands[i][0], commands[i][1]);
            byte[] response = Hex.Bytes(responses[i]);
            byte[] wrapped = card.WrapResponse(response);
            bool error = responses[i] == "6A88";
            if (error)
            {
                Assert.Equal(response, wrapped);
            }

            Assert.Equal(response, host.UnwrapResponse(wrapped));
        }
    }

    private static void Exchange(Scp03Wrapper host, Scp03Unwrapper card, string plainHex, string wrappedHex)
    {
        byte[] plain = Hex.Bytes(plainHex);
        byte[] wrapped = host.WrapCommand(plain);
        Assert.Equal(Hex.Bytes(wrappedHex), wrapped);
        Assert.Equal(plain, card.UnwrapCommand(wrapped));
    }
}

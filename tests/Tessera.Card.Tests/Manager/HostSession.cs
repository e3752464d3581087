using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// The off-card side of an ISD SCP03 session, built on Tessera.Crypto's host <see cref="Scp03Wrapper"/> (an
/// implementation independent of the card's unwrapper): INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, then every command
/// wrapped and every response reassembled (61XX / GET RESPONSE) and unwrapped.
/// </summary>
internal sealed class HostSession
{
    public static readonly byte[] DefaultHostChallenge = Hex.Parse("1122334455667788");

    private readonly TestCard card;
    private readonly int channel;

    private HostSession(TestCard card, Scp03Wrapper wrapper, int channel, byte[] initializeUpdateResponse)
    {
        this.card = card;
        Wrapper = wrapper;
        this.channel = channel;
        InitializeUpdateResponse = initializeUpdateResponse;
    }

    public Scp03Wrapper Wrapper { get; }

    public byte[] InitializeUpdateResponse { get; }

    public static StaticKeys DefaultKeys => StaticKeys.FromSingleKey(Hex.Parse(CardProfile.DefaultScp03KeyHex));

    /// <summary>INITIALIZE UPDATE + EXTERNAL AUTHENTICATE; asserts both succeed.</summary>
    public static HostSession Open(TestCard card, Scp03SecurityLevel level, StaticKeys? keys = null, int channel = 0, byte kvn = 0x00, byte[]? hostChallenge = null)
    {
        var session = Initialize(card, keys ?? DefaultKeys, channel, kvn, hostChallenge);
        var ea = session.Wrapper.BuildExternalAuthenticate(level, channel);
        var response = card.Send(Convert.ToHexString(ea));
        Assert.True(response.SW == 0x9000, $"EXTERNAL AUTHENTICATE answered {response.SW:X4}");
        return session;
    }

    /// <summary>INITIALIZE UPDATE only; the card cryptogram is verified by the host wrapper.</summary>
    public static HostSession Initialize(TestCard card, StaticKeys keys, int channel = 0, byte kvn = 0x00, byte[]? hostChallenge = null)
    {
        var challenge = hostChallenge ?? DefaultHostChallenge;
        var cla = ClassByte.WithChannel(0x80, channel);
        var data = card.Expect(new CommandApdu(cla, 0x50, kvn, 0x00, challenge, 256), 0x9000);
        return new HostSession(card, Scp03Wrapper.FromInitializeUpdate(keys, challenge, data), channel, data);
    }

    /// <summary>Wraps a plain command, sends it, reassembles and unwraps the response.</summary>
    public ResponseApdu Send(string plainHex) => Send(Hex.Parse(plainHex));

    public ResponseApdu Send(CommandApdu plain) => Send(plain.ToArray());

    public byte[] Expect(CommandApdu plain, ushort sw)
    {
        var response = Send(plain);
        Assert.True(response.SW == sw, $"{plain}: expected {sw:X4}, got {response.SW:X4}");
        return response.Data.ToArray();
    }

    /// <summary>Wraps a plain command (short or extended), sends it, reassembles and unwraps the response.</summary>
    public ResponseApdu Send(byte[] plain)
    {
        var wrapped = Wrapper.WrapCommand(plain);
        var raw = card.Device.Transmit(card.Interface, wrapped);
        var all = new List<byte>();
        while (raw.Length >= 2 && raw[^2] == 0x61)
        {
            all.AddRange(raw[..^2]);
            var getResponse = new CommandApdu(ClassByte.WithChannel(0x00, channel), 0xC0, 0, 0, default, raw[^1] == 0 ? 256 : raw[^1]);
            raw = card.Device.Transmit(card.Interface, getResponse.ToArray());
        }

        all.AddRange(raw);
        return ResponseApdu.Parse(Wrapper.UnwrapResponse(all.ToArray()));
    }

    public byte[] Expect(string plainHex, ushort sw)
    {
        var response = Send(plainHex);
        Assert.True(response.SW == sw, $"{plainHex}: expected {sw:X4}, got {response.SW:X4}");
        return response.Data.ToArray();
    }
}

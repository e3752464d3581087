using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.GlobalPlatform;

/// <summary>
/// A minimal, independent card-side ISD written for these tests (the real card manager is built elsewhere): SELECT,
/// INITIALIZE UPDATE / EXTERNAL AUTHENTICATE with <see cref="Scp03Unwrapper"/>, per-channel sessions, MANAGE
/// CHANNEL, GET DATA (9F7F, DF52), GET STATUS with paging, and a recorder for INSTALL / LOAD / STORE DATA / PUT KEY.
/// A command that does not unwrap gets 6982 and aborts the session, as GP demands.
/// </summary>
internal sealed class TestIsd : ICardConnection
{
    public static readonly Aid IsdAid = IssuerSecurityDomain.DefaultAid;
    public static readonly byte[] Kdd = Convert.FromHexString("00112233445566778899");

    private readonly Dictionary<int, Scp03Unwrapper?> sessions = new() { [0] = null };
    private readonly Dictionary<int, (byte[] Host, byte[] Card)> challenges = [];
    private int cardChallengeCounter;

    public TestIsd(StaticKeys? keys = null, byte keyVersion = 0x30)
    {
        Keys = keys ?? StaticKeys.FromSingleKey(Convert.FromHexString("404142434445464748494A4B4C4D4E4F"));
        KeyVersion = keyVersion;
    }

    public StaticKeys Keys { get; private set; }

    public byte KeyVersion { get; private set; }

    public string Name => "test ISD";

    public IMemoryInterface? Memory => null;

    public Cplc Cplc { get; } = new(0x4790, 0x5167, 0x4791, 0x1234, 0x0001, 0x5001, 0xCAFE0001, 0x0002, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>The registry GET STATUS [applications] lists, <see cref="PageSize"/> entries per answer.</summary>
    public List<RegistryEntry> Applications { get; } = [];

    public int PageSize { get; set; } = 2;

    /// <summary>Every plain (unwrapped) command that reached the dispatcher, with its channel.</summary>
    public List<CommandApdu> Received { get; } = [];

    public List<byte> Loaded { get; } = [];

    /// <summary>When set, the next protected response has its R-MAC corrupted.</summary>
    public bool CorruptNextResponse { get; set; }

    public uint NvmWrites { get; set; } = 7;

    public byte[] PowerOn() => Reset();

    public void PowerOff()
    {
    }

    public byte[] Reset()
    {
        sessions.Clear();
        sessions[0] = null;
        return Convert.FromHexString("3B89800180575445535345524198");
    }

    public void Dispose()
    {
    }

    public byte[] Transmit(ReadOnlySpan<byte> bytes)
    {
        var wire = CommandApdu.Parse(bytes.ToArray());
        var channel = wire.Channel;
        if (!sessions.TryGetValue(channel, out var session))
        {
            return [0x68, 0x81];
        }

        if (wire.Ins == 0x82 && session is not null && !session.IsAuthenticated && !session.IsAborted)
        {
            return session.TryExternalAuthenticate(bytes, out _) ? [0x90, 0x00] : Abort(channel);
        }

        if (session is not null && session.IsAuthenticated)
        {
            if (!session.TryUnwrapCommand(bytes, out var plainBytes, out _))
            {
                return Abort(channel);
            }

            var plain = CommandApdu.Parse(plainBytes);
            var response = Dispatch(channel, plain);
            if (!ReferenceEquals(sessions.GetValueOrDefault(channel), session))
            {
                // SELECT or INITIALIZE UPDATE ended the session: answer in the clear.
                return response;
            }

            var wrapped = session.WrapResponse(response);
            if (CorruptNextResponse && wrapped.Length > 2)
            {
                CorruptNextResponse = false;
                wrapped[^3] ^= 0x01;
            }

            return wrapped;
        }

        if (session is not null && session.IsAborted && wire.Ins is not (0xA4 or 0x50))
        {
            return [0x69, 0x82];
        }

        return Dispatch(channel, wire);
    }

    private byte[] Abort(int channel)
    {
        sessions[channel]?.Abort();
        return [0x69, 0x82];
    }

    private byte[] Dispatch(int channel, CommandApdu c)
    {
        Received.Add(c);
        var authenticated = sessions[channel] is { IsAuthenticated: true };
        switch (c.Ins)
        {
            case 0xA4:
                sessions[channel] = null;
                return c.Data.Span.SequenceEqual(IsdAid.Span)
                    ? [.. BerTlv.Encode(new BerTag(0x6F), BerTlv.Encode(new BerTag(0x84), IsdAid.Span)), 0x90, 0x00]
                    : [0x6A, 0x82];
            case 0x50:
                return InitializeUpdate(channel, c);
            case 0x70 when c.P1 == 0x00:
                var free = Enumerable.Range(1, 3).First(ch => !sessions.ContainsKey(ch));
                sessions[free] = null;
                return [(byte)free, 0x90, 0x00];
            case 0x70 when c.P1 == 0x80:
                return sessions.Remove(c.P2) ? [0x90, 0x00] : [0x62, 0x00];
            case 0xCA:
                return GetData(c);
        }

        if (!authenticated)
        {
            return [0x69, 0x82];
        }

        switch (c.Ins)
        {
            case 0xF2:
                return GetStatus(c);
            case 0xE6:
                return [0x00, 0x90, 0x00];
            case 0xE8:
                Loaded.AddRange(c.Data.Span);
                return [0x00, 0x90, 0x00];
            case 0xE2:
                return [0x90, 0x00];
            case 0xD8:
                return PutKey(c);
            default:
                return [0x6D, 0x00];
        }
    }

    private byte[] InitializeUpdate(int channel, CommandApdu c)
    {
        if (c.P1 != 0 && c.P1 != KeyVersion)
        {
            return [0x6A, 0x88];
        }

        var host = c.Data.ToArray();
        var card = Scp03Derivation.PseudoRandomCardChallenge(Keys.Enc, ++cardChallengeCounter, IsdAid.Span);
        var sessionKeys = Scp03Derivation.DeriveSessionKeys(Keys, host, card);
        sessions[channel] = new Scp03Unwrapper(sessionKeys, host, card);
        challenges[channel] = (host, card);
        var response = new Scp03InitializeUpdateResponse(Kdd, KeyVersion, 0x70, card, Scp03Derivation.CardCryptogram(sessionKeys, host, card), Scp03Derivation.EncodeSequenceCounter(cardChallengeCounter));
        return [.. response.ToBytes(), 0x90, 0x00];
    }

    private byte[] GetData(CommandApdu c) => c.P1P2 switch
    {
        0x9F7F => [.. Cplc.Encode(), 0x90, 0x00],
        0xDF52 => [.. BerTlv.Encode(new BerTag(0xDF52), [(byte)(NvmWrites >> 24), (byte)(NvmWrites >> 16), (byte)(NvmWrites >> 8), (byte)NvmWrites]), 0x90, 0x00],
        _ => [0x6A, 0x88],
    };

    private int statusPosition;

    private byte[] GetStatus(CommandApdu c)
    {
        if (c.P1 != 0x40)
        {
            return [0x6A, 0x88];
        }

        if (c.P2 == 0x02)
        {
            statusPosition = 0;
        }

        var page = Applications.Skip(statusPosition).Take(PageSize).ToList();
        statusPosition += page.Count;
        var data = page.SelectMany(e => e.Encode()).ToArray();
        return statusPosition < Applications.Count ? [.. data, 0x63, 0x10] : [.. data, 0x90, 0x00];
    }

    private byte[] PutKey(CommandApdu c)
    {
        var d = c.Data.Span;
        var keys = new List<byte[]>();
        var i = 1;
        for (var k = 0; k < 3; k++)
        {
            if (d[i] != 0x88)
            {
                return [0x6A, 0x80];
            }

            var keyLength = d[i + 2];
            var encrypted = d.Slice(i + 3, d[i + 1] - 1);
            var key = Scp03Dek.DecryptKey(Keys.Dek, encrypted, keyLength);
            var kcv = d.Slice(i + 2 + d[i + 1] + 1, 3);
            if (!kcv.SequenceEqual(KeyCheckValue.Aes(key)))
            {
                return [0x69, 0x82];
            }

            keys.Add(key);
            i += 2 + d[i + 1] + 1 + 3;
        }

        var newKeys = new StaticKeys(keys[0], keys[1], keys[2]);
        byte[] answer = [d[0], .. KeyCheckValue.Aes(keys[0]), .. KeyCheckValue.Aes(keys[1]), .. KeyCheckValue.Aes(keys[2]), 0x90, 0x00];
        Keys = newKeys;
        KeyVersion = d[0];
        return answer;
    }
}

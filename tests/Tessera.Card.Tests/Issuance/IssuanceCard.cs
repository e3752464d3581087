using System.Text.RegularExpressions;
using Tessera.Card.Runtime;
using Tessera.Card.Tests.Manager;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Issuance;

/// <summary>
/// A card with the real applet runtime, driven through bytes: an ISD SCP03 session, a command storage EF written by
/// direct access (extended odd UPDATE BINARY), and the self-issuance commands of SPEC §4.4.
/// </summary>
internal sealed partial class IssuanceCard : IDisposable
{
    public const ushort ScriptFid = 0x5F01;

    public IssuanceCard(CardProfile? profile = null, int capacity = 1024 * 1024)
    {
        Device = SecureDevice.Create((profile ?? CardProfile.Default) with { SerialNumber = ManagerCards.Serial, NvmCapacity = capacity });
        Device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        Device.PowerOn();
        Card = new TestCard(Device);
    }

    public SecureDevice Device { get; }

    public TestCard Card { get; }

    public HostSession? Session { get; private set; }

    /// <summary>Opens an ISD secure channel (C-MAC by default) on the basic channel.</summary>
    public HostSession Authenticate(Scp03SecurityLevel level = Scp03SecurityLevel.CMac)
    {
        if (Session is not null && Device.IsPowered(Card.Interface))
        {
            // An open session refuses unwrapped commands: start from a warm reset.
            Device.Reset(Card.Interface);
        }

        Card.Expect("00A4040008" + CardProfile.DefaultIsdAidHex, 0x9000);
        return Session = HostSession.Open(Card, level);
    }

    /// <summary>Power cycle, then a new session.</summary>
    public HostSession Reconnect()
    {
        Device.PowerOff();
        Device.PowerOn();
        return Authenticate();
    }

    /// <summary>Creates the command storage EF (direct access allowed, conditions 30) and writes the structure into it.</summary>
    public void Store(byte[] structure, ushort fid = ScriptFid, int? size = null, byte flags = 0x01)
    {
        var session = Session ?? Authenticate();
        session.Expect("00A4000C027F50", 0x9000);
        session.Expect("00E00000" + Lc(TestCard.EfFcp(fid, size ?? structure.Length, flags, 0x30, 0x30, 0x30)), 0x9000);
        Write(structure, fid);
    }

    /// <summary>Writes by direct access: odd UPDATE BINARY, extended length, 54 offset + 53 data.</summary>
    public void Write(byte[] structure, ushort fid = ScriptFid, int offset = 0)
    {
        var session = Session ?? Authenticate();
        session.Expect("00A4000C027F50", 0x9000);
        const int chunk = 60000;
        for (var done = 0; done < structure.Length; done += chunk)
        {
            var part = structure.AsSpan(done, Math.Min(chunk, structure.Length - done)).ToArray();
            var at = offset + done;
            byte[] data = [0x54, 0x03, (byte)(at >> 16), (byte)(at >> 8), (byte)at, 0x53, .. BerLength(part.Length), .. part];
            var response = session.Send(ScriptWriter.Apdu(0x00, 0xD7, (byte)(fid >> 8), (byte)fid, data));
            Assert.Equal(0x9000, response.SW);
        }

        session.Expect("00A4000C023F00", 0x9000);
    }

    public ResponseApdu Start(byte p1 = 0x00, byte p2 = 0x00, string dataHex = "83025F01") =>
        (Session ?? Authenticate()).Send(ScriptWriter.Apdu(0x80, 0x5A, p1, p2, Hex.Parse(dataHex), dataHex.Length == 0 ? null : 0));

    public ResponseApdu Status() => Session!.Send("805B000000");

    public ResponseApdu Clear() => Session!.Send("805C0000");

    public ResponseApdu Confirm() => Session!.Send("805D0000");

    /// <summary>The card's canonical content without the key sets' sequence counters (every session moves them).</summary>
    public string Content() => CounterPattern().Replace(Device.CanonicalDump(), "counter=*");

    public void Dispose() => Device.Dispose();

    /// <summary>Parses an E5 template into its tags.</summary>
    public static Dictionary<byte, byte[]> ParseStatus(ReadOnlySpan<byte> e5)
    {
        Assert.Equal(0xE5, e5[0]);
        var length = e5[1];
        Assert.Equal(length + 2, e5.Length);
        var fields = new Dictionary<byte, byte[]>();
        for (var i = 2; i < e5.Length;)
        {
            var tag = e5[i];
            var n = e5[i + 1];
            fields[tag] = e5.Slice(i + 2, n).ToArray();
            i += 2 + n;
        }

        return fields;
    }

    public static (byte State, int Preceding, int M) Summary(ReadOnlySpan<byte> e5)
    {
        var f = ParseStatus(e5);
        return (f[0xC0][0], (f[0xC1][0] << 8) | f[0xC1][1], (f[0xC2][0] << 8) | f[0xC2][1]);
    }

    private static byte[] BerLength(int length) => length < 0x80 ? [(byte)length] : length < 0x100 ? [0x81, (byte)length] : [0x82, (byte)(length >> 8), (byte)length];

    private static string Lc(string hex) => $"{hex.Length / 2:X2}{hex}";

    [GeneratedRegex("counter=[0-9A-F]{6}")]
    private static partial Regex CounterPattern();
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Tessera.Card.Attachments;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Attachments;

/// <summary>
/// The vpcd attachment against a small independent vpcd stand-in written here from the protocol description in
/// reference/standards.md §5: 2-byte big-endian length framing, control bytes 00/01/02/04, frequent ATR polls,
/// reconnects, and peers that misbehave.
/// </summary>
public sealed class VpcdAttachmentTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly SecureDevice device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 64 * 1024 });
    private readonly CancellationTokenSource stop = new(Timeout);

    public void Dispose()
    {
        stop.Cancel();
        stop.Dispose();
        device.Dispose();
    }

    [Fact]
    public async Task CardConnectsToVpcdAndAnswersControlAndApdus()
    {
        using var vpcd = new TcpListener(IPAddress.Loopback, 0);
        vpcd.Start();
        var attachment = new VpcdAttachment(device, CardInterface.Contact, "127.0.0.1", ((IPEndPoint)vpcd.LocalEndpoint).Port, reversed: false) { ReconnectDelay = TimeSpan.FromMilliseconds(20) };
        var run = attachment.RunAsync(stop.Token);
        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            // pcscd polls the ATR long before and between power-ons
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(Hex.Parse("3B89800180575445535345524198"), await Exchange(socket, [0x04]));
            }

            await Send(socket, [0x01]);
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00A4000C023F00")));
            Assert.Equal(Hex.Parse("6700"), await Exchange(socket, Hex.Parse("00A4000C0501")));

            // an unknown control byte is ignored, the connection stays usable
            await Send(socket, [0x7E]);
            Assert.Equal(Hex.Parse("3B89800180575445535345524198"), await Exchange(socket, [0x04]));

            // extended APDUs pass through: a 3000-byte EF written and read in one exchange each
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00E000000D620B8302010182010180020BB8")));
            var content = Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray();
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, new CommandApdu(0x00, 0xD6, 0, 0, content, extended: true).ToArray()));
            var read = await Exchange(socket, new CommandApdu(0x00, 0xB0, 0, 0, ne: 65536).ToArray());
            Assert.Equal(content.Concat(new byte[] { 0x90, 0x00 }), read);

            // reset clears the logical channels; power off makes the card mute: no answer, the connection is closed
            Assert.Equal(Hex.Parse("019000"), await Exchange(socket, Hex.Parse("0070000001")));
            await Send(socket, [0x02]);
            Assert.Equal(Hex.Parse("6881"), await Exchange(socket, Hex.Parse("01A4000C023F00")));
            await Send(socket, [0x00]);
            await AssertConnectionClosed(socket, Hex.Parse("00A4000C023F00"));
        }

        // the card is back at once on a new connection

        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            Assert.False(device.IsPowered(CardInterface.Contact));
            await Send(socket, [0x01]);
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00A4000C023F00")));

            // a length that lies: 10 bytes announced, 3 sent, then the connection closes
            await socket.SendAsync(new byte[] { 0x00, 0x0A, 0x00, 0xA4, 0x00 }, SocketFlags.None, stop.Token);
        }

        // vpcd went away: the card connects again by itself and is powered off until vpcd powers it on
        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            Assert.Equal(Hex.Parse("3B89800180575445535345524198"), await Exchange(socket, [0x04]));
            Assert.False(device.IsPowered(CardInterface.Contact));
        }

        Assert.True(attachment.Connections >= 3);
        Assert.Equal(1, attachment.MuteCloses);
        stop.Cancel();
        await run;
    }

    [Fact]
    public async Task ReversedModeListensForVpcd()
    {
        var port = FreePort();
        var attachment = new VpcdAttachment(device, CardInterface.Contactless, "127.0.0.1", port, reversed: true) { ReconnectDelay = TimeSpan.FromMilliseconds(20) };
        var run = attachment.RunAsync(stop.Token);
        using var socket = await ConnectWithRetry(port);
        await Send(socket, [0x01]);
        Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00A4000C023F00")));
        Assert.True(device.IsPowered(CardInterface.Contactless));
        Assert.False(device.IsPowered(CardInterface.Contact));
        stop.Cancel();
        await run;
    }

    [Fact]
    public async Task TearMakesTheCardMuteUntilPoweredOnAgain()
    {
        using var vpcd = new TcpListener(IPAddress.Loopback, 0);
        vpcd.Start();
        var attachment = new VpcdAttachment(device, CardInterface.Contact, "127.0.0.1", ((IPEndPoint)vpcd.LocalEndpoint).Port, reversed: false);
        var run = attachment.RunAsync(stop.Token);
        device.PowerOn();
        Assert.Equal(Hex.Parse("9000"), device.Transmit(CardInterface.Contact, Hex.Parse("00E000000D620B8302010182010180020010")));
        device.PowerOff();
        var before = device.CanonicalDump();
        device.ArmTearAtWrite(2);
        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            await Send(socket, [0x01]);
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00A4000C020101")));
            await AssertConnectionClosed(socket, Hex.Parse("00D6000004CAFEBABE"));
        }

        // still unpowered on the next connection: a command before the power-on gets no answer either
        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            Assert.Equal(Hex.Parse("3B89800180575445535345524198"), await Exchange(socket, [0x04]));
            await AssertConnectionClosed(socket, Hex.Parse("00A4000C023F00"));
        }

        using (var socket = await vpcd.AcceptSocketAsync(stop.Token))
        {
            await Send(socket, [0x01]);
            Assert.Equal(Hex.Parse("9000"), await Exchange(socket, Hex.Parse("00A4000C020101")));
            Assert.Equal(Hex.Parse("000000009000"), await Exchange(socket, Hex.Parse("00B0000004")));
        }

        Assert.Equal(before, device.CanonicalDump());
        Assert.Equal(2, attachment.MuteCloses);
        Assert.Contains(device.Events.Snapshot(), e => e.Kind == CardEventKind.Tear);
        stop.Cancel();
        await run;
    }

    private async Task Send(Socket socket, byte[] body)
    {
        var frame = new byte[2 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)body.Length);
        body.CopyTo(frame, 2);
        await socket.SendAsync(frame, SocketFlags.None, stop.Token);
    }

    /// <summary>Sends a command the card cannot answer: no answer, the attachment closes the connection (what vpcd needs).</summary>
    private async Task AssertConnectionClosed(Socket socket, byte[] command)
    {
        await Send(socket, command);
        Assert.Equal(0, await socket.ReceiveAsync(new byte[2], SocketFlags.None, stop.Token));
    }

    private async Task<byte[]> Exchange(Socket socket, byte[] body)
    {
        await Send(socket, body);
        var header = await ReceiveExactly(socket, 2);
        return await ReceiveExactly(socket, BinaryPrimitives.ReadUInt16BigEndian(header));
    }

    private async Task<byte[]> ReceiveExactly(Socket socket, int length)
    {
        var buffer = new byte[length];
        var read = 0;
        while (read < length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, stop.Token);
            Assert.True(n > 0, "the card closed the vpcd connection");
            read += n;
        }

        return buffer;
    }

    private async Task<Socket> ConnectWithRetry(int port)
    {
        while (true)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await socket.ConnectAsync(IPAddress.Loopback, port, stop.Token);
                return socket;
            }
            catch (SocketException)
            {
                socket.Dispose();
                await Task.Delay(20, stop.Token);
            }
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}

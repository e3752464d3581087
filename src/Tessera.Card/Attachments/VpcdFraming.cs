using System.Buffers.Binary;
using System.Net.Sockets;

namespace Tessera.Card.Attachments;

/// <summary>
/// vsmartcard's vpcd socket framing (SPEC §6): every message in both directions is a 2-byte big-endian length and
/// that many bytes. A message of length 1 from vpcd is a control byte; anything else is a command APDU.
/// </summary>
public static class VpcdFraming
{
    public const byte PowerOff = 0x00;
    public const byte PowerOn = 0x01;
    public const byte Reset = 0x02;
    public const byte GetAtr = 0x04;

    /// <summary>Linux <c>IPPROTO_TCP</c> and <c>TCP_QUICKACK</c> (netinet/in.h, netinet/tcp.h).</summary>
    private const int IpProtoTcp = 6;
    private const int TcpQuickAck = 12;

    /// <summary>
    /// Makes the next bytes read from <paramref name="socket"/> acknowledged as soon as they are read rather than
    /// after the delayed-ACK timer (Linux <c>TCP_QUICKACK</c>; the kernel clears it again, so call it before every
    /// message). A peer that writes a message's length and body in two small writes without <c>TCP_NODELAY</c>
    /// (vpcd does) otherwise waits about 40 ms for that ACK before its body leaves. No effect on other systems.
    /// </summary>
    public static void AcknowledgePromptly(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (OperatingSystem.IsLinux())
        {
            Span<byte> on = [1, 0, 0, 0];
            socket.SetRawSocketOption(IpProtoTcp, TcpQuickAck, on);
        }
    }

    /// <summary>Reads one message; null when the peer closed the connection cleanly before a new message.</summary>
    public static async Task<byte[]?> ReadMessageAsync(Stream stream, CancellationToken cancellation)
    {
        var header = new byte[2];
        if (!await ReadExactlyOrEndAsync(stream, header, cancellation).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header);
        var body = new byte[length];
        if (length > 0 && !await ReadExactlyOrEndAsync(stream, body, cancellation).ConfigureAwait(false))
        {
            throw new EndOfStreamException($"vpcd announced a {length}-byte message and closed the connection before sending it");
        }

        return body;
    }

    public static async Task WriteMessageAsync(Stream stream, ReadOnlyMemory<byte> body, CancellationToken cancellation)
    {
        if (body.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"a vpcd message carries at most 65535 bytes, not {body.Length}", nameof(body));
        }

        var frame = new byte[2 + body.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)body.Length);
        body.CopyTo(frame.AsMemory(2));
        await stream.WriteAsync(frame, cancellation).ConfigureAwait(false);
        await stream.FlushAsync(cancellation).ConfigureAwait(false);
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellation)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer[read..], cancellation).ConfigureAwait(false);
            }
            catch (IOException e) when (e.InnerException is SocketException && read == 0)
            {
                return false;
            }

            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("vpcd closed the connection in the middle of a message");
            }

            read += n;
        }

        return true;
    }
}

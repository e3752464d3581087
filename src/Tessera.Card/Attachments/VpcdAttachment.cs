using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Iso7816;

namespace Tessera.Card.Attachments;

/// <summary>How one vpcd connection of an attachment ended.</summary>
public enum VpcdConnectionEnd
{
    /// <summary>vpcd closed the connection (pcscd stopped, or vpcd gave up on the card).</summary>
    ClosedByVpcd,

    /// <summary>
    /// The card gave no answer to a command (it tore, or it was not powered): the attachment closes the connection,
    /// the only way to end vpcd's exchange, and connects again at once.
    /// </summary>
    CardMute,
}

/// <summary>
/// Attaches one APDU interface of a card to pcsc-lite through vsmartcard's vpcd driver (SPEC §6). By default the card
/// connects to vpcd (vpcd listens on 35963 + slot); in reversed mode the card listens and vpcd connects. Power
/// control, frequent ATR polls and APDUs are answered at any time; when the connection drops, the interface is powered
/// off and the attachment reconnects.
/// </summary>
/// <remarks>
/// <para>
/// A card that gives no answer (after a tear, or when it is not powered) cannot say so in vpcd's protocol. An empty
/// answer does not end vpcd's exchange: vpcd reads the 2-byte length, then the body with a zero-length
/// <c>recv(MSG_WAITALL)</c>, which on Linux waits for more bytes or the end of the connection, so pcscd's reader
/// would hang. The attachment therefore closes the connection instead: vpcd's <c>recv</c> ends, vpcd drops the socket
/// and pcscd answers the client's SCardTransmit with an empty response (success, 0 bytes), later commands with
/// <c>SCARD_E_NOT_TRANSACTED</c>. Just before closing, the attachment opens its next connection (client mode), so vpcd
/// takes the card back at its next presence check (every power action makes one; pcscd also polls every 400 ms) and
/// pcscd never sees the card leave the reader: it still holds it for powered, while the card is not. The client
/// recovers the card by powering it on again (SCardReconnect with SCARD_UNPOWER_CARD or SCARD_RESET_CARD); until
/// then every command goes unanswered, as with a real card that lost power.
/// </para>
/// <para>
/// vpcd (vsmartcard 0.8/3.3 as packaged by Debian) writes the 2-byte length and the body of a message in two
/// <c>send</c> calls without <c>TCP_NODELAY</c>, so Nagle's algorithm holds the body until the length is
/// acknowledged; with the usual delayed ACK that costs 40 ms per message. The attachment reads with
/// <see cref="VpcdFraming.AcknowledgePromptly"/>, so the length is acknowledged as soon as it is read.
/// </para>
/// </remarks>
public sealed class VpcdAttachment
{
    public const int DefaultPort = 35963;

    private readonly SecureDevice device;
    private readonly CardInterface cardInterface;
    private readonly ILogger logger;
    private int connections;
    private int muteCloses;

    public VpcdAttachment(SecureDevice device, CardInterface cardInterface, string host, int port, bool reversed, ILogger? logger = null)
    {
        this.device = device;
        this.cardInterface = cardInterface;
        Host = host;
        Port = port;
        Reversed = reversed;
        this.logger = logger ?? NullLogger.Instance;
    }

    public string Host { get; }

    public int Port { get; }

    public bool Reversed { get; }

    /// <summary>How long to wait before connecting again after vpcd went away (not after a mute card's close).</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Log every APDU with its status word name (at Information level).</summary>
    public bool TraceApdus { get; init; }

    /// <summary>Number of connections served so far.</summary>
    public int Connections => Volatile.Read(ref connections);

    /// <summary>Number of connections closed because the card gave no answer.</summary>
    public int MuteCloses => Volatile.Read(ref muteCloses);

    /// <summary>Serves vpcd until cancelled, reconnecting whenever the connection is lost.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        TcpListener? listener = null;
        if (Reversed)
        {
            listener = new TcpListener(ResolveListenAddress(), Port);
            listener.Start(1);
            logger.LogInformation("{Interface} interface listening for vpcd on {Host}:{Port} (reversed mode)", cardInterface, Host, Port);
        }

        Socket? next = null;
        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                var socket = next;
                next = null;
                var reconnectAtOnce = false;
                try
                {
                    socket ??= listener is null ? await ConnectAsync(cancellation).ConfigureAwait(false) : await listener.AcceptSocketAsync(cancellation).ConfigureAwait(false);
                    socket.NoDelay = true;
                    Interlocked.Increment(ref connections);
                    logger.LogInformation("{Interface} interface attached to vpcd at {Host}:{Port}", cardInterface, Host, Port);
                    if (await ServeAsync(socket, cancellation).ConfigureAwait(false) == VpcdConnectionEnd.CardMute)
                    {
                        Interlocked.Increment(ref muteCloses);
                        reconnectAtOnce = true;
                        if (listener is null)
                        {
                            // Connect again before closing: vpcd finds the new connection waiting at its next presence
                            // check, so pcscd never sees the card leave the reader.
                            next = await TryConnectAsync(cancellation).ConfigureAwait(false);
                        }

                        logger.LogInformation("{Interface} interface: connection closed so that vpcd ends the exchange with the mute card", cardInterface);
                    }
                    else
                    {
                        logger.LogInformation("vpcd closed the connection of the {Interface} interface", cardInterface);
                    }
                }
                catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                    logger.LogInformation("vpcd connection of the {Interface} interface lost: {Message}", cardInterface, e.Message);
                }
                finally
                {
                    socket?.Dispose();
                    device.PowerOff(cardInterface);
                }

                if (reconnectAtOnce)
                {
                    continue;
                }

                try
                {
                    await Task.Delay(ReconnectDelay, cancellation).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            next?.Dispose();
            listener?.Stop();
        }
    }

    /// <summary>
    /// Answers the messages of one vpcd connection until vpcd closes it, or until the card gives no answer to a
    /// command (then the caller must close the connection, see the remarks of <see cref="VpcdAttachment"/>).
    /// </summary>
    public async Task<VpcdConnectionEnd> ServeAsync(Socket socket, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(socket);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        while (true)
        {
            VpcdFraming.AcknowledgePromptly(socket);
            if (await VpcdFraming.ReadMessageAsync(stream, cancellation).ConfigureAwait(false) is not { } message)
            {
                return VpcdConnectionEnd.ClosedByVpcd;
            }

            byte[]? answer;
            try
            {
                answer = Handle(message);
            }
            catch (CardMuteException e)
            {
                logger.LogWarning("no answer to {Command}: {Reason}", Convert.ToHexString(message), e.Message);
                return VpcdConnectionEnd.CardMute;
            }

            if (answer is not null)
            {
                await VpcdFraming.WriteMessageAsync(stream, answer, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The answer to one vpcd message, or null when the protocol expects none.</summary>
    /// <exception cref="CardMuteException">the card gives no answer to the command (torn, or not powered).</exception>
    public byte[]? Handle(byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Length == 1)
        {
            switch (message[0])
            {
                case VpcdFraming.PowerOff:
                    device.PowerOff(cardInterface);
                    logger.LogInformation("power off ({Interface})", cardInterface);
                    return null;
                case VpcdFraming.PowerOn:
                    device.PowerOn(cardInterface);
                    logger.LogInformation("power on ({Interface})", cardInterface);
                    return null;
                case VpcdFraming.Reset:
                    device.Reset(cardInterface);
                    logger.LogInformation("reset ({Interface})", cardInterface);
                    return null;
                case VpcdFraming.GetAtr:
                    return device.Atr;
                default:
                    logger.LogWarning("unknown vpcd control byte {Control:X2} ignored", message[0]);
                    return null;
            }
        }

        if (message.Length == 0)
        {
            logger.LogWarning("empty vpcd message ignored");
            return null;
        }

        var response = device.Transmit(cardInterface, message);
        if (TraceApdus)
        {
            var sw = new StatusWord(response[^2], response[^1]);
            logger.LogInformation("{Command} -> {Response} {Status}", Convert.ToHexString(message), Convert.ToHexString(response.AsSpan(0, response.Length - 2)), sw.Describe());
        }

        return response;
    }

    private async Task<Socket> ConnectAsync(CancellationToken cancellation)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(Host, Port, cancellation).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Socket?> TryConnectAsync(CancellationToken cancellation)
    {
        try
        {
            return await ConnectAsync(cancellation).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return null;
        }
    }

    private IPAddress ResolveListenAddress() =>
        IPAddress.TryParse(Host, out var address) ? address : Dns.GetHostAddresses(Host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
}

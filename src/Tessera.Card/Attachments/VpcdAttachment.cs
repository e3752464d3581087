using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Iso7816;

namespace Tessera.Card.Attachments;

/// <summary>
/// Attaches one APDU interface of a card to pcsc-lite through vsmartcard's vpcd driver (SPEC §6). By default the card
/// connects to vpcd (vpcd listens on 35963 + slot); in reversed mode the card listens and vpcd connects. Power
/// control, frequent ATR polls and APDUs are answered at any time; when the connection drops, the interface is powered
/// off and the attachment reconnects. After a tear the command in flight is answered with an empty message, which
/// vpcd reports to pcscd as a communication error: the client sees the card stop answering until it is powered on
/// again, and that power-on recovers the card.
/// </summary>
public sealed class VpcdAttachment
{
    public const int DefaultPort = 35963;

    private readonly SecureDevice device;
    private readonly CardInterface cardInterface;
    private readonly ILogger logger;

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

    /// <summary>How long to wait before connecting again after vpcd went away.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Log every APDU with its status word name (at Information level).</summary>
    public bool TraceApdus { get; init; }

    /// <summary>Number of connections served so far.</summary>
    public int Connections { get; private set; }

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

        try
        {
            while (!cancellation.IsCancellationRequested)
            {
                TcpClient? client = null;
                try
                {
                    client = listener is null ? await ConnectAsync(cancellation).ConfigureAwait(false) : await listener.AcceptTcpClientAsync(cancellation).ConfigureAwait(false);
                    client.NoDelay = true;
                    Connections++;
                    logger.LogInformation("{Interface} interface attached to vpcd at {Host}:{Port}", cardInterface, Host, Port);
                    await ServeAsync(client.GetStream(), cancellation).ConfigureAwait(false);
                    logger.LogInformation("vpcd closed the connection of the {Interface} interface", cardInterface);
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
                    client?.Dispose();
                    device.PowerOff(cardInterface);
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
            listener?.Stop();
        }
    }

    /// <summary>Answers the messages of one vpcd connection until it closes.</summary>
    public async Task ServeAsync(Stream stream, CancellationToken cancellation)
    {
        while (await VpcdFraming.ReadMessageAsync(stream, cancellation).ConfigureAwait(false) is { } message)
        {
            var answer = Handle(message);
            if (answer is not null)
            {
                await VpcdFraming.WriteMessageAsync(stream, answer, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The answer to one vpcd message, or null when the protocol expects none.</summary>
    public byte[]? Handle(byte[] message)
    {
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

        try
        {
            var response = device.Transmit(cardInterface, message);
            if (TraceApdus)
            {
                var sw = new StatusWord(response[^2], response[^1]);
                logger.LogInformation("{Command} -> {Response} {Status}", Convert.ToHexString(message), Convert.ToHexString(response.AsSpan(0, response.Length - 2)), sw.Describe());
            }

            return response;
        }
        catch (CardMuteException e)
        {
            logger.LogWarning("no answer to {Command}: {Reason}", Convert.ToHexString(message), e.Message);
            return [];
        }
    }

    private async Task<TcpClient> ConnectAsync(CancellationToken cancellation)
    {
        var client = new TcpClient { NoDelay = true };
        try
        {
            await client.ConnectAsync(Host, Port, cancellation).ConfigureAwait(false);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    private IPAddress ResolveListenAddress() =>
        IPAddress.TryParse(Host, out var address) ? address : Dns.GetHostAddresses(Host).First(a => a.AddressFamily == AddressFamily.InterNetwork);
}

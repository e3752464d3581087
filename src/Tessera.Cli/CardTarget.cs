using System.CommandLine;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Host.Link;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;

namespace Tessera.Cli;

/// <summary>
/// Where a host command sends its APDUs: a card image (in process), a fresh in-memory card, or a PC/SC reader
/// (<c>--reader</c>), optionally through a link profile (<c>--link</c>).
/// </summary>
internal sealed class CardTarget : IDisposable
{
    public static readonly Option<string?> Reader = new("--reader") { Description = "Use this PC/SC reader (e.g. \"Virtual PCD 00 00\") instead of a card image." };
    public static readonly Option<string?> Link = new("--link") { Description = "Model the link: local, contact (T=1 115,200 bit/s), nfc (424 kbit/s) or mobile (150 ms round trip, 1 Mbit/s)." };

    private readonly SecureDevice? device;

    private CardTarget(ICardConnection connection, SecureDevice? device, LinkedConnection? link)
    {
        Connection = connection;
        this.device = device;
        LinkedConnection = link;
    }

    public ICardConnection Connection { get; }

    public LinkedConnection? LinkedConnection { get; }

    public SecureDevice? Device => device;

    /// <summary>Opens the image, or a new in-memory card when <paramref name="image"/> is null, or the reader.</summary>
    public static CardTarget Open(string? image, string? reader, string? link, Microsoft.Extensions.Logging.ILoggerFactory loggers)
    {
        ICardConnection connection;
        SecureDevice? device = null;
        if (reader is not null)
        {
            connection = new PcscConnection(reader);
        }
        else
        {
            device = image is null ? SecureDevice.Create(CardProfile.Default, loggers) : SecureDevice.OpenImage(image, loggers);
            device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
            connection = new InProcessConnection(device);
        }

        LinkedConnection? linked = null;
        if (link is not null)
        {
            linked = new LinkedConnection(connection, LinkProfile.Named(link));
            connection = linked;
        }

        return new CardTarget(connection, device, linked);
    }

    public void Dispose()
    {
        Connection.Dispose();
        device?.Dispose();
    }
}

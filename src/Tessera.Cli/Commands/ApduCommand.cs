using System.CommandLine;
using Spectre.Console;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera apdu IMAGE HEX…</c> or <c>tessera apdu --reader NAME HEX…</c>: power a card image (in process) or the
/// card in a PC/SC reader on and send it command APDUs.
/// </summary>
internal static class ApduCommand
{
    public static Command Build()
    {
        var image = new Argument<string?>("IMAGE") { Description = "Card image file (see 'tessera card create'); omit with --reader.", Arity = ArgumentArity.ZeroOrOne };
        var apdus = new Argument<string[]>("APDU") { Description = "Command APDUs in hex (spaces inside one APDU allowed when quoted), at least one.", Arity = ArgumentArity.ZeroOrMore };
        var tear = new Option<long?>("--tear-at-write") { Description = "Tear (cut power) at physical NVM write N after this power-on; the card recovers at its next power-on (card images only; arm a served card with 'tessera serve --tear-at-write')." };
        var contactless = new Option<bool>("--contactless") { Description = "Use the contactless interface instead of the contact one (card images only)." };
        var raw = new Option<bool>("--raw") { Description = "Do not follow 61XX with GET RESPONSE or re-send on 6CXX." };
        var command = new Command("apdu", "Power a card image or the card in a PC/SC reader on, send APDUs and print the responses with status word names.") { image, apdus, tear, contactless, raw, CardTarget.Reader };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var reader = parse.GetValue(CardTarget.Reader);
            var imagePath = parse.GetValue(image);
            var words = parse.GetValue(apdus) ?? [];
            if (reader is not null)
            {
                // With --reader there is no image: the parser gave the first APDU to IMAGE.
                words = imagePath is null ? words : [imagePath, .. words];
                imagePath = null;
                if (parse.GetValue(tear) is not null || parse.GetValue(contactless))
                {
                    throw new ArgumentException("--tear-at-write and --contactless apply to card images; with --reader the card is served elsewhere (e.g. 'tessera serve IMAGE --tear-at-write N')");
                }
            }
            else if (imagePath is null)
            {
                throw new ArgumentException("name a card image or a --reader");
            }

            if (words.Length == 0)
            {
                throw new ArgumentException("give at least one APDU");
            }

            var commands = words.Select(text => Hex.TryParse(text, out var bytes) ? bytes : throw new FormatException($"'{text}' is not hex")).ToList();
            using var loggers = CliOptions.Logging(parse);
            using var device = imagePath is null ? null : SecureDevice.OpenImage(imagePath, loggers);
            ICardConnection connection;
            if (device is not null)
            {
                device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
                if (parse.GetValue(tear) is { } write)
                {
                    device.ArmTearAtWrite(write);
                }

                connection = new InProcessConnection(device, parse.GetValue(contactless) ? CardInterface.Contactless : CardInterface.Contact);
            }
            else
            {
                try
                {
                    connection = new PcscConnection(reader!);
                }
                catch (PcscException e)
                {
                    AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                    return CliErrors.Failed;
                }
            }

            using (connection)
            {
                return Exchange(connection, device, commands, parse.GetValue(raw));
            }
        }));
        return command;
    }

    private static int Exchange(ICardConnection connection, SecureDevice? device, List<byte[]> commands, bool raw)
    {
        var transmitter = new ApduTransmitter(connection);
        transmitter.Exchanged += (c, r) =>
        {
            AnsiConsole.MarkupLine($"[blue]>[/] {Convert.ToHexString(c)}");
            if (r.Length < 2)
            {
                return;
            }

            var response = ResponseApdu.Parse(r);
            var color = response.StatusWord.IsSuccess ? "green" : response.StatusWord.Sw1 is 0x62 or 0x63 or 0x6C ? "yellow" : "red";
            var data = response.Data.IsEmpty ? string.Empty : Convert.ToHexString(response.Data.Span) + " ";
            AnsiConsole.MarkupLine($"[{color}]<[/] {data}[{color}]{Markup.Escape(response.StatusWord.Describe())}[/]");
        };
        try
        {
            var atr = connection.PowerOn();
            AnsiConsole.MarkupLine($"[grey]ATR {Convert.ToHexString(atr)} ({Markup.Escape(connection.Name)})[/]");
            foreach (var bytes in commands)
            {
                if (raw || !CommandApdu.TryParse(bytes, out var apdu, out _))
                {
                    transmitter.Exchange(bytes);
                }
                else
                {
                    transmitter.Transmit(apdu);
                }
            }
        }
        catch (CardConnectionException e) when (e.Failure == ConnectionFailure.CardMute)
        {
            AnsiConsole.MarkupLine($"[yellow]no answer:[/] {Markup.Escape(e.Message)}");
            foreach (var entry in device?.Events.Snapshot().Where(x => x.Kind == CardEventKind.Tear) ?? [])
            {
                AnsiConsole.MarkupLine($"[grey]event: {Markup.Escape(entry.ToString())}[/]");
            }

            return CliErrors.Failed;
        }
        catch (CardConnectionException e)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return CliErrors.Failed;
        }

        connection.PowerOff();
        return CliErrors.Ok;
    }
}

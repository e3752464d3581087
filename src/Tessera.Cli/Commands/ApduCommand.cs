using System.CommandLine;
using Spectre.Console;
using Tessera.Card;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera apdu IMAGE HEX…</c>: power a card image on and send it command APDUs.</summary>
internal static class ApduCommand
{
    public static Command Build()
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "Card image file (see 'tessera card create')." };
        var apdus = new Argument<string[]>("APDU") { Description = "Command APDUs in hex (spaces inside one APDU allowed when quoted).", Arity = ArgumentArity.OneOrMore };
        var tear = new Option<long?>("--tear-at-write") { Description = "Tear (cut power) at physical NVM write N after this power-on; the card recovers at its next power-on." };
        var contactless = new Option<bool>("--contactless") { Description = "Use the contactless interface instead of the contact one." };
        var raw = new Option<bool>("--raw") { Description = "Do not follow 61XX with GET RESPONSE or re-send on 6CXX." };
        var command = new Command("apdu", "Power a card image on, send APDUs and print the responses with status word names.") { image, apdus, tear, contactless, raw };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var commands = parse.GetValue(apdus)!.Select(text =>
            {
                if (!Hex.TryParse(text, out var bytes))
                {
                    throw new FormatException($"'{text}' is not hex");
                }

                return bytes;
            }).ToList();
            using var loggers = CliOptions.Logging(parse);
            using var device = SecureDevice.OpenImage(parse.GetValue(image)!.FullName, loggers);
            if (parse.GetValue(tear) is { } write)
            {
                device.ArmTearAtWrite(write);
            }

            var connection = new InProcessConnection(device, parse.GetValue(contactless) ? CardInterface.Contactless : CardInterface.Contact);
            var atr = connection.PowerOn();
            AnsiConsole.MarkupLine($"[grey]ATR {Convert.ToHexString(atr)}[/]");
            var transmitter = new ApduTransmitter(connection);
            transmitter.Exchanged += (c, r) =>
            {
                AnsiConsole.MarkupLine($"[blue]>[/] {Convert.ToHexString(c)}");
                var response = ResponseApdu.Parse(r);
                var color = response.StatusWord.IsSuccess ? "green" : response.StatusWord.Sw1 is 0x62 or 0x63 or 0x6C ? "yellow" : "red";
                var data = response.Data.IsEmpty ? string.Empty : Convert.ToHexString(response.Data.Span) + " ";
                AnsiConsole.MarkupLine($"[{color}]<[/] {data}[{color}]{Markup.Escape(response.StatusWord.Describe())}[/]");
            };
            try
            {
                foreach (var bytes in commands)
                {
                    if (parse.GetValue(raw) || !CommandApdu.TryParse(bytes, out var apdu, out _))
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
                foreach (var entry in device.Events.Snapshot().Where(x => x.Kind == CardEventKind.Tear))
                {
                    AnsiConsole.MarkupLine($"[grey]event: {Markup.Escape(entry.ToString())}[/]");
                }

                return CliErrors.Failed;
            }

            connection.PowerOff();
            return CliErrors.Ok;
        }));
        return command;
    }
}

using System.CommandLine;
using Spectre.Console;
using Tessera.Card;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera demo</c>: a guided session with the built-in emulated card: file system commands, logical channels,
/// and a tear in the middle of an update that the card survives.
/// </summary>
internal static class DemoCommand
{
    public static Command Build()
    {
        var command = new Command("demo", "Drive a fresh in-memory card: create files, write and read them, open a logical channel, then tear power in the middle of an update and show that the card recovers the old content.");
        command.SetAction(parse => CliErrors.Run(() =>
        {
            using var loggers = CliOptions.Logging(parse);
            using var device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true }, loggers);
            var connection = new InProcessConnection(device);
            var card = new ApduTransmitter(connection);
            var steps = 0;
            card.Exchanged += (c, r) =>
            {
                steps++;
                var sw = ResponseApdu.Parse(r).StatusWord;
                AnsiConsole.MarkupLine($"  [blue]>[/] {Shorten(Convert.ToHexString(c))}  [{(sw.IsSuccess ? "green" : "yellow")}]{Markup.Escape(sw.Describe())}[/]");
            };

            AnsiConsole.MarkupLine($"[bold]power on[/], ATR {Convert.ToHexString(connection.PowerOn())}");
            AnsiConsole.MarkupLine("[bold]create DF 1000 and a 600-byte EF 1001 in it, write it across NVM pages[/]");
            Send(card, "00E00000 15 621383021000820138840A54455353455241444D4F".Replace(" ", string.Empty, StringComparison.Ordinal));
            Send(card, "00E00000 0D 620B8302100182010180020258".Replace(" ", string.Empty, StringComparison.Ordinal));
            var content = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
            Send(card, new CommandApdu(0x00, 0xD6, 0x00, 0x00, content, extended: true).ToString());
            var read = card.Transmit(new CommandApdu(0x00, 0xB0, 0x00, 0x00, ne: 65536));
            AnsiConsole.MarkupLine(read.Data.Span.SequenceEqual(content) ? "  [green]read back 600 bytes, equal[/]" : "  [red]read back differs[/]");

            AnsiConsole.MarkupLine("[bold]open logical channel 1 and select the MF there; channel 0 keeps EF 1001[/]");
            Send(card, "0070000001");
            Send(card, "01A4000C023F00");
            Send(card, "00B0000010");

            AnsiConsole.MarkupLine($"[bold]tear:[/] {PhysicalWrites(card)} physical NVM writes so far; power-cycle, then overwrite the EF with FF with power cut at the 2nd physical NVM write after power-on");
            connection.PowerOff();
            device.ArmTearAtWrite(2);
            connection.PowerOn();
            Send(card, "00A4000C023F00");
            Send(card, "00A4000C021000");
            Send(card, "00A4020C021001");
            try
            {
                card.Transmit(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Enumerable.Repeat((byte)0xFF, 600).ToArray(), extended: true));
                AnsiConsole.MarkupLine("  [red]the tear did not happen[/]");
            }
            catch (CardConnectionException e)
            {
                AnsiConsole.MarkupLine($"  [yellow]no answer[/]: {Markup.Escape(e.Message)}");
            }

            AnsiConsole.MarkupLine("[bold]power on again: the card recovers before it answers the ATR[/]");
            connection.PowerOn();
            Send(card, "00A4080C0410001001");
            read = card.Transmit(new CommandApdu(0x00, 0xB0, 0x00, 0x00, ne: 65536));
            var intact = read.Data.Span.SequenceEqual(content);
            AnsiConsole.MarkupLine(intact ? "  [green]the EF holds its old content: the torn update left no trace[/]" : "  [red]the EF changed[/]");
            foreach (var e in device.Events.Snapshot())
            {
                AnsiConsole.MarkupLine($"  [grey]event {Markup.Escape(e.ToString())}[/]");
            }

            AnsiConsole.MarkupLine($"[bold]{steps}[/] exchanges with the card");
            return intact ? CliErrors.Ok : CliErrors.Failed;
        }));
        return command;
    }

    private static void Send(ApduTransmitter card, string hex) => card.Transmit(CommandApdu.Parse(Hex.Parse(hex)));

    private static long PhysicalWrites(ApduTransmitter card)
    {
        var data = card.Transmit(new CommandApdu(0x80, 0xCA, 0xDF, 0x52, ne: 256)).Data.Span;
        return data.Length == 7 ? (data[3] << 24) | (data[4] << 16) | (data[5] << 8) | data[6] : 0;
    }

    private static string Shorten(string hex) => hex.Length > 48 ? hex[..44] + $"...({hex.Length / 2} bytes)" : hex;
}

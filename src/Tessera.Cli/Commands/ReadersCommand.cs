using System.CommandLine;
using Spectre.Console;
using Tessera.Host.Pcsc;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera readers</c>: the PC/SC readers pcscd knows, with the ATR of the card in each.</summary>
internal static class ReadersCommand
{
    public static Command Build()
    {
        var command = new Command("readers", "List PC/SC readers (through the system's pcsc-lite) and the ATR of the card in each.");
        command.SetAction(parse =>
        {
            try
            {
                using var context = PcscContext.Establish();
                var readers = context.ListReaders();
                if (readers.Count == 0)
                {
                    AnsiConsole.MarkupLine("[yellow]no PC/SC readers[/] (is vsmartcard-vpcd installed, and pcscd running?)");
                    return CliErrors.Ok;
                }

                var table = new Table().AddColumn("reader").AddColumn("card");
                foreach (var name in readers)
                {
                    // pcscd's view, without connecting: listing must not power or reset a card another client uses.
                    var state = context.GetReaderState(name);
                    var card = !state.CardPresent ? "no card"
                        : state.Mute ? "card does not answer"
                        : "ATR " + Convert.ToHexString(state.Atr) + (state.InUse ? " (in use)" : string.Empty);
                    table.AddRow(Markup.Escape(name), card);
                }

                AnsiConsole.Write(table);
                return CliErrors.Ok;
            }
            catch (PcscException e)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return CliErrors.Failed;
            }
        });
        return command;
    }
}

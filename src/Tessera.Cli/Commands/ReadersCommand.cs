using System.CommandLine;
using Spectre.Console;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;

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
                    string card;
                    try
                    {
                        using var connection = new PcscConnection(name, TimeSpan.Zero);
                        card = "ATR " + Convert.ToHexString(connection.PowerOn());
                    }
                    catch (CardConnectionException)
                    {
                        card = "no card";
                    }

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

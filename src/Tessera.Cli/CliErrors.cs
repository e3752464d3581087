using Spectre.Console;
using Tessera.Card;
using Tessera.Iso7816;

namespace Tessera.Cli;

/// <summary>Turns failures into messages a person can act on, and exit codes.</summary>
internal static class CliErrors
{
    public const int Ok = 0;
    public const int Failed = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is CardProfileException or IOException or InvalidDataException or UnauthorizedAccessException
            or FormatException or ArgumentException or CardMuteException or MemoryAccessException or ApduFormatException
            or Host.SelfIssuance.SelfIssuanceException or Host.Transport.CardConnectionException or Host.GlobalPlatform.GpCommandException
            or Host.GlobalPlatform.GpSecureChannelException or Host.Issuance.ConventionalIssuanceException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return Failed;
        }
    }
}

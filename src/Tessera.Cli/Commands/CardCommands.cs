using System.CommandLine;
using Spectre.Console;
using Tessera.Card;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera card create|info</c>: card images on disk.</summary>
internal static class CardCommands
{
    public static Command Build()
    {
        var card = new Command("card", "Create and inspect card images (a card whose NVM lives in a file).");
        card.Subcommands.Add(BuildCreate());
        card.Subcommands.Add(BuildInfo());
        card.Subcommands.Add(SoakCommand.Build());
        return card;
    }

    private static Command BuildCreate()
    {
        var profile = new Option<FileInfo?>("--profile") { Description = "JSON card profile (SPEC §1.2); defaults apply to absent fields." };
        var output = new Option<FileInfo>("--out") { Description = "Path of the card image to create.", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace an existing image." };
        var open = new Option<bool>("--open-file-system") { Description = "Development cards: let anyone create and delete files in the MF (conditions 00 instead of 30)." };
        var command = new Command("create", "Create a new card image from a card profile.") { profile, output, force, open };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var path = parse.GetValue(output)!.FullName;
            var p = parse.GetValue(profile) is { } file ? CardProfile.Load(file.FullName) : CardProfile.Default;
            if (parse.GetValue(open))
            {
                p = p with { OpenFileSystem = true };
            }

            if (File.Exists(path))
            {
                if (!parse.GetValue(force))
                {
                    throw new IOException($"'{path}' already exists; pass --force to replace it");
                }

                File.Delete(path);
            }

            using var loggers = CliOptions.Logging(parse);
            using var device = SecureDevice.CreateImage(path, p, loggers);
            var (capacity, free) = device.NvmUsage();
            AnsiConsole.MarkupLine($"[green]created[/] {Markup.Escape(path)}");
            AnsiConsole.MarkupLine($"  serial number [bold]{device.Profile.SerialNumber}[/], ATR {Convert.ToHexString(device.Atr)}");
            AnsiConsole.MarkupLine($"  NVM {capacity:N0} bytes usable, {free:N0} free, page {device.Profile.PageSize} bytes");
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Command BuildInfo()
    {
        var image = new Argument<FileInfo>("IMAGE") { Description = "Card image file." };
        var command = new Command("info", "Show a card image: profile, NVM use and the file system.") { image };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            using var loggers = CliOptions.Logging(parse);
            using var device = SecureDevice.OpenImage(parse.GetValue(image)!.FullName, loggers);
            var (capacity, free) = device.NvmUsage();
            var table = new Table().AddColumn("property").AddColumn("value");
            table.AddRow("serial number", device.Profile.SerialNumber ?? "-");
            table.AddRow("ATR", Convert.ToHexString(device.Atr));
            table.AddRow("ISD AID", device.Profile.IsdAid);
            table.AddRow("life cycle (profile)", device.Profile.LifeCycle);
            table.AddRow("NVM", $"{capacity - free:N0} of {capacity:N0} bytes used, page {device.Profile.PageSize} bytes");
            AnsiConsole.Write(table);
            AnsiConsole.WriteLine();
            AnsiConsole.MarkupLine("[bold]file system[/]");
            foreach (var line in device.CanonicalDump().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            {
                var shown = line.Length > 140 ? line[..137] + "..." : line;
                AnsiConsole.WriteLine("  " + shown);
            }

            return CliErrors.Ok;
        }));
        return command;
    }
}

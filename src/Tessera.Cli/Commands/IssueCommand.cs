using System.CommandLine;
using System.Diagnostics;
using Spectre.Console;
using Tessera.Host.Issuance;
using Tessera.Host.Transport;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera issue --conventional [PROFILE]</c>: issues a card command by command under SCP03.</summary>
internal static class IssueCommand
{
    public static Command Build()
    {
        var profile = new Argument<FileInfo?>("PROFILE") { Description = "Issuance profile (JSON); default samples/purse-profile.json.", Arity = ArgumentArity.ZeroOrOne };
        var record = new Option<FileInfo?>("--record") { Description = "Per-card record (JSON) filling the profile's placeholders; default: the sample record next to the profile." };
        var card = new Option<FileInfo?>("--card") { Description = "Card image to issue (default: a fresh in-memory card)." };
        var conventional = new Option<bool>("--conventional") { Description = "Conventional issuance: every command sent on the wire under SCP03 (C-MAC + C-DECRYPTION)." };
        var command = new Command("issue", "Issue a card from an issuance profile, with progress and a summary.") { profile, record, card, conventional, CardTarget.Reader, CardTarget.Link };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            if (!parse.GetValue(conventional))
            {
                throw new ArgumentException("only --conventional issuance is available in this version; self-issuance (SPEC §4) is not built yet");
            }

            var profilePath = parse.GetValue(profile)?.FullName ?? Path.GetFullPath(Path.Combine("samples", "purse-profile.json"));
            var issuance = IssuanceProfile.Load(profilePath);
            var recordPath = parse.GetValue(record)?.FullName ?? Path.Combine(Path.GetDirectoryName(profilePath)!, "purse-card-0001.json");
            var cardRecord = CardRecord.Load(recordPath);
            var loadFilePath = issuance.ResolveLoadFilePath();
            ReadOnlyMemory<byte>? loadFileBytes = null;
            if (loadFilePath is not null && !File.Exists(loadFilePath))
            {
                // The built-in applets ship next to the tool (a load file, not a referenced assembly).
                var shipped = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(loadFilePath));
                loadFileBytes = File.Exists(shipped) ? File.ReadAllBytes(shipped) : throw new IOException($"load file '{loadFilePath}' does not exist; build it first");
            }

            var prepared = DataPreparation.Prepare(issuance, cardRecord, new DataPreparationOptions { LoadFileBytes = loadFileBytes });
            using var loggers = CliOptions.Logging(parse);
            using var target = CardTarget.Open(parse.GetValue(card)?.FullName, parse.GetValue(CardTarget.Reader), parse.GetValue(CardTarget.Link), loggers);
            target.Connection.PowerOn();
            var issuer = new ConventionalIssuer(target.Connection);
            IssuanceSummary? summary = null;
            var watch = Stopwatch.StartNew();
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
            {
                var task = ctx.AddTask($"issuing '{issuance.Name}'", maxValue: 1);
                issuer.Progress += p =>
                {
                    task.MaxValue = p.Total;
                    task.Value = p.Index;
                    task.Description = $"{Markup.Escape(p.Function),-16} {p.Index}/{p.Total}";
                };
                summary = issuer.Issue(prepared);
                task.Value = task.MaxValue;
            });
            var table = new Table().AddColumn("conventional issuance").AddColumn("value");
            table.AddRow("profile", Markup.Escape(profilePath));
            table.AddRow("card", Markup.Escape(target.Connection.Name));
            table.AddRow("wire commands", summary!.Commands.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("exchanges", summary.Exchanges.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            table.AddRow("bytes on the wire", $"{summary.BytesOnWire:N0} ({summary.BytesToCard:N0} to card, {summary.BytesFromCard:N0} from card)");
            table.AddRow("measured time", $"{summary.MeasuredTime.TotalMilliseconds:F1} ms");
            if (summary.ModelledLinkTime is { } modelled)
            {
                table.AddRow("modelled link time", $"{modelled.TotalMilliseconds:F1} ms on '{target.LinkedConnection!.Profile.Name}'");
            }

            AnsiConsole.Write(table);
            target.Connection.PowerOff();
            return CliErrors.Ok;
        }));
        return command;
    }
}

using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Tessera.Card;
using Tessera.Host.Issuance;
using Tessera.Host.SelfIssuance;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera issue [PROFILE]</c>, Tessera's main job: issues a card by self-issuance (SPEC §4, §5): the whole issuance
/// written into the card's command storage in one direct access, one START, the card runs every command itself, then
/// CONFIRM. <c>--conventional</c> runs the baseline (every command on the wire under SCP03).
/// </summary>
internal static class IssueCommand
{
    /// <summary>The card image <c>tessera issue</c> creates when it is given no card.</summary>
    public const string DefaultImage = "tessera-card.img";

    public static Command Build()
    {
        var profile = new Argument<FileInfo?>("PROFILE") { Description = "Issuance profile (JSON); default samples/purse-profile.json.", Arity = ArgumentArity.ZeroOrOne };
        var record = new Option<FileInfo?>("--record") { Description = "Per-card record (JSON) filling the profile's placeholders; default: the sample record next to the profile." };
        var card = new Option<FileInfo?>("--card") { Description = $"Card image to issue. Default: a fresh card image '{DefaultImage}' in the current directory (replaced if it exists)." };
        var conventional = new Option<bool>("--conventional") { Description = "The baseline: send every command on the wire under SCP03 (C-MAC + C-DECRYPTION) instead of self-issuance." };
        var seal = new Option<bool>("--seal") { Description = "Seal the simultaneous command to the card's issuance key (GET DATA DF51): the operator side never handles the plaintext." };
        var background = new Option<bool>("--background") { Description = "START with P2 01: the card answers at once and runs the issuance in the background; the host polls GET ISSUANCE STATUS." };
        var noMemory = new Option<bool>("--no-memory-interface") { Description = "Write the simultaneous command with extended UPDATE BINARY even when the card offers the memory interface." };
        var command = new Command("issue", """
            Issue a card from an issuance profile, with progress and a summary.
            By default this is self-issuance: the whole issuance goes into the card's command storage in one direct access,
            one START SELF-ISSUANCE runs every command inside the card, and CONFIRM ISSUANCE makes it final. With no
            arguments it issues the sample purse profile to a fresh card image it creates.
            """) { profile, record, card, conventional, seal, background, noMemory, CardTarget.Reader, CardTarget.Link };
        command.SetAction(parse => CliErrors.Run(() =>
        {
            var isConventional = parse.GetValue(conventional);
            if (isConventional && (parse.GetValue(seal) || parse.GetValue(background)))
            {
                throw new ArgumentException("--seal and --background belong to self-issuance; drop --conventional to use them");
            }

            var profilePath = parse.GetValue(profile)?.FullName ?? Path.GetFullPath(Path.Combine("samples", "purse-profile.json"));
            if (!File.Exists(profilePath))
            {
                throw new IOException($"issuance profile '{profilePath}' does not exist; give a PROFILE or run from the repository root (samples/purse-profile.json)");
            }

            var issuance = IssuanceProfile.Load(profilePath);
            var recordPath = parse.GetValue(record)?.FullName ?? Path.Combine(Path.GetDirectoryName(profilePath)!, "purse-card-0001.json");
            var cardRecord = CardRecord.Load(recordPath);
            var prepared = DataPreparation.Prepare(issuance, cardRecord, new DataPreparationOptions { LoadFileBytes = ShippedLoadFile(issuance) });

            var reader = parse.GetValue(CardTarget.Reader);
            var image = parse.GetValue(card)?.FullName;
            if (image is null && reader is null)
            {
                image = Path.GetFullPath(DefaultImage);
                if (File.Exists(image))
                {
                    File.Delete(image);
                }

                SecureDevice.CreateImage(image).Dispose();
                AnsiConsole.MarkupLine($"created card image [blue]{Markup.Escape(image)}[/] (default card profile)");
            }

            using var loggers = CliOptions.Logging(parse);
            using var target = CardTarget.Open(image, reader, parse.GetValue(CardTarget.Link), loggers);
            target.Connection.PowerOn();
            var table = isConventional
                ? Conventional(target, issuance.Name, prepared)
                : Self(target, issuance.Name, prepared, new SelfIssuanceOptions
                {
                    Seal = parse.GetValue(seal),
                    Background = parse.GetValue(background),
                    UseMemoryInterface = !parse.GetValue(noMemory),
                    PowerOnAtStart = false,
                });
            table.AddRow("profile", Markup.Escape(profilePath));
            table.AddRow("card", Markup.Escape(image ?? target.Connection.Name));
            AnsiConsole.Write(table);
            target.Connection.PowerOff();
            return CliErrors.Ok;
        }));
        return command;
    }

    private static Table Self(CardTarget target, string name, IReadOnlyList<PreparedCommand> prepared, SelfIssuanceOptions options)
    {
        var manager = new SelfIssuanceManager(target.Connection, options);
        SelfIssuanceSummary? summary = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()).Start(ctx =>
        {
            var writing = ctx.AddTask($"writing '{Markup.Escape(name)}' into command storage", maxValue: 1);
            var running = ctx.AddTask("card running the issuance", autoStart: false, maxValue: prepared.Count);
            manager.Progress += p =>
            {
                if (p.StructureLength > 0)
                {
                    writing.MaxValue = p.StructureLength;
                    writing.Value = p.BytesWritten;
                }

                if (p.Stage is SelfIssuanceStage.Started or SelfIssuanceStage.Polling)
                {
                    running.StartTask();
                }

                if (p.Status is { } status)
                {
                    running.Value = status.PrecedingCommands;
                }

                if (p.Stage is SelfIssuanceStage.ConnectionLost or SelfIssuanceStage.Failed or SelfIssuanceStage.SessionLost)
                {
                    AnsiConsole.MarkupLine($"[yellow]{Markup.Escape(p.Message)}[/]");
                }
            };
            summary = manager.Issue(prepared);
            writing.Value = writing.MaxValue;
            running.Value = running.MaxValue;
        });

        var s = summary!;
        var table = new Table().AddColumn("self-issuance").AddColumn("value");
        table.AddRow("result", s.FinalState.ToString().ToLowerInvariant());
        table.AddRow("commands executed in the card", N(s.ScriptCommands));
        table.AddRow("simultaneous command", $"{N(s.StructureBytes)} bytes{(s.Sealed ? ", sealed" : string.Empty)}, written by {(s.UsedMemoryInterface ? "the memory interface" : "extended UPDATE BINARY")}");
        table.AddRow("exchanges on the wire", N(s.Exchanges));
        table.AddRow("bytes on the wire", $"{N(s.BytesOnWire)} ({N(s.BytesToCard)} to card, {N(s.BytesFromCard)} from card)");
        table.AddRow("START attempts / reconnects", $"{s.StartAttempts} / {s.Reconnects}");
        table.AddRow("measured time", $"{s.MeasuredTime.TotalMilliseconds:F1} ms");
        if (s.ModelledLinkTime is { } modelled)
        {
            table.AddRow("modelled link time", $"{modelled.TotalMilliseconds:F1} ms on '{target.LinkedConnection!.Profile.Name}'");
        }

        return table;
    }

    private static Table Conventional(CardTarget target, string name, IReadOnlyList<PreparedCommand> prepared)
    {
        var issuer = new ConventionalIssuer(target.Connection);
        IssuanceSummary? summary = null;
        AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
        {
            var task = ctx.AddTask($"issuing '{Markup.Escape(name)}'", maxValue: 1);
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
        table.AddRow("wire commands", N(summary!.Commands));
        table.AddRow("exchanges", N(summary.Exchanges));
        table.AddRow("bytes on the wire", $"{N(summary.BytesOnWire)} ({N(summary.BytesToCard)} to card, {N(summary.BytesFromCard)} from card)");
        table.AddRow("measured time", $"{summary.MeasuredTime.TotalMilliseconds:F1} ms");
        if (summary.ModelledLinkTime is { } modelled)
        {
            table.AddRow("modelled link time", $"{modelled.TotalMilliseconds:F1} ms on '{target.LinkedConnection!.Profile.Name}'");
        }

        return table;
    }

    /// <summary>The built-in applets ship next to the tool when the profile's load file path is not built.</summary>
    private static ReadOnlyMemory<byte>? ShippedLoadFile(IssuanceProfile issuance)
    {
        var loadFilePath = issuance.ResolveLoadFilePath();
        if (loadFilePath is null || File.Exists(loadFilePath))
        {
            return null;
        }

        var shipped = Path.Combine(AppContext.BaseDirectory, Path.GetFileName(loadFilePath));
        return File.Exists(shipped) ? File.ReadAllBytes(shipped) : throw new IOException($"load file '{loadFilePath}' does not exist; build it first");
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

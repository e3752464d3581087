using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera gp info|list|load|install|delete|lock|unlock</c>: card content management over an authenticated SCP03
/// session (C-MAC + C-DECRYPTION) with the ISD, on a card image or a PC/SC reader.
/// </summary>
internal static class GpCommands
{
    private static readonly Argument<FileInfo?> Image = new("IMAGE") { Description = "Card image (omit with --reader).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Key = new("--key") { Description = "Static SCP03 key (hex, used for ENC, MAC and DEK); default the GP test key 404142…4F." };

    public static Command Build()
    {
        var gp = new Command("gp", "GlobalPlatform card management over SCP03 (C-MAC + C-DECRYPTION).");
        gp.Subcommands.Add(Make("info", "Show CPLC (with the IC serial number), card data and key information.", (_, _) => isd =>
        {
            var cplc = isd.GetCplc();
            AnsiConsole.MarkupLine($"IC serial number  [bold]{cplc.IcSerialNumber:X8}[/]");
            AnsiConsole.MarkupLine($"CPLC              {Markup.Escape(Convert.ToHexString(isd.GetData(GetDataCommand.Cplc).Span))}");
            AnsiConsole.MarkupLine($"card data         {Markup.Escape(Convert.ToHexString(isd.GetData(GetDataCommand.CardData).Span))}");
            foreach (var key in isd.GetKeyInformation())
            {
                var components = string.Join(", ", key.Components.Select(c => $"type {c.Type:X2} length {c.Length}"));
                AnsiConsole.MarkupLine($"key               version {key.KeyVersion:X2} id {key.KeyId}: {Markup.Escape(components)}");
            }
        }));
        gp.Subcommands.Add(Make("list", "List the registry: the ISD, applications, load files and their modules.", (_, _) => isd =>
        {
            var table = new Table().AddColumn("kind").AddColumn("AID").AddColumn("life cycle").AddColumn("details");
            foreach (var scope in new[] { GetStatusScope.IssuerSecurityDomain, GetStatusScope.Applications, GetStatusScope.LoadFilesAndModules })
            {
                foreach (var e in isd.GetStatus(scope))
                {
                    var details = e.Modules.Count > 0 ? "modules " + string.Join(", ", e.Modules) : e.Privileges?.ToString() ?? string.Empty;
                    table.AddRow(e.Kind.ToString(), e.Aid.ToString(), e.LifeCycle.ToString("X2", CultureInfo.InvariantCulture), Markup.Escape(details));
                }
            }

            AnsiConsole.Write(table);
        }));
        gp.Subcommands.Add(BuildLoad());
        gp.Subcommands.Add(BuildInstall());
        var aid = new Argument<string>("AID") { Description = "AID in hex." };
        gp.Subcommands.Add(Make("delete", "Delete an application, or a load file with its applications.", (parse, _) =>
        {
            var target = ParseAid(parse.GetValue(aid), "AID");
            return isd => isd.Delete(target, withRelatedObjects: true);
        }, extra: aid));
        gp.Subcommands.Add(Make("lock", "Lock an application (SET STATUS, LOCKED bit).", (parse, _) =>
        {
            var target = ParseAid(parse.GetValue(aid), "AID");
            return isd => isd.Session.Send(SetStatusCommand.Lock(target), "SET STATUS lock");
        }, extra: aid));
        gp.Subcommands.Add(Make("unlock", "Unlock an application (SET STATUS).", (parse, _) =>
        {
            var target = ParseAid(parse.GetValue(aid), "AID");
            return isd => isd.Session.Send(SetStatusCommand.Unlock(target), "SET STATUS unlock");
        }, extra: aid));
        return gp;
    }

    private static Command BuildLoad()
    {
        var loadFile = new Argument<FileInfo?>("LOADFILE")
        {
            Description = "The load file: a Tessera applet assembly (.dll). The built-in applets ship beside this tool as Tessera.Applets.dll.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var package = new Option<string?>("--package") { Description = "Package AID named in INSTALL [for load]; default the AID the assembly declares with [assembly: TesseraPackage]. Give it to send a file that is not a Tessera load file as it is." };
        var sd = new Option<string?>("--sd") { Description = "Security domain AID named in INSTALL [for load]; default none (the ISD)." };
        var blockSize = new Option<int?>("--block-size") { Description = "Bytes of load file per LOAD block; default the most that fit a short APDU after secure messaging (239). Larger blocks (up to 65519) go as extended-length APDUs; past 256 blocks the block number wraps from FF to 00." };
        var command = Make(
            "load",
            "Load a load file onto the card: INSTALL [for load], then the Load File (C4 ‖ assembly) in LOAD blocks, with a progress bar. Then 'tessera gp install' creates applications from its modules.",
            (parse, file) => PlanLoad(file!, parse.GetValue(package), parse.GetValue(sd), parse.GetValue(blockSize)),
            loadFile,
            package,
            sd,
            blockSize);
        return command;
    }

    private static Action<IssuerSecurityDomain> PlanLoad(FileInfo file, string? packageHex, string? sdHex, int? blockSize)
    {
        if (!file.Exists)
        {
            throw new IOException($"load file '{file.FullName}' does not exist");
        }

        var assembly = File.ReadAllBytes(file.FullName);
        if (assembly.Length == 0)
        {
            throw new IOException($"load file '{file.FullName}' is empty");
        }

        var package = packageHex is null ? DeclaredPackage(assembly, file) : ParseAid(packageHex, "--package");
        var domain = sdHex is null ? (Aid?)null : ParseAid(sdHex, "--sd");
        if (blockSize is < 1 or > CommandApdu.MaxExtendedNc)
        {
            throw new ArgumentException($"--block-size must be 1 to {CommandApdu.MaxExtendedNc}, not {blockSize}");
        }

        return isd =>
        {
            var level = isd.Session.SecurityLevel;
            var size = blockSize ?? LoadCommand.MaxBlockSize(level);
            var largest = LoadCommand.MaxBlockSize(level, CommandApdu.MaxExtendedNc);
            if (size > largest)
            {
                throw new ArgumentException($"--block-size {size} does not fit an extended APDU after secure messaging at level {(byte)level:X2}; at most {largest}");
            }

            var loadFileBytes = LoadCommand.LoadFile(assembly);
            var blocks = LoadCommand.Blocks(loadFileBytes, size);
            var watch = Stopwatch.StartNew();
            isd.Session.Send(InstallCommand.ForLoad(package, domain), "INSTALL [for load]");
            AnsiConsole.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn()).Start(ctx =>
            {
                var task = ctx.AddTask($"LOAD {Markup.Escape(package.ToString())}", maxValue: loadFileBytes.Length);
                for (var i = 0; i < blocks.Count; i++)
                {
                    task.Description = $"LOAD block {i + 1}/{blocks.Count}";
                    isd.Session.Send(blocks[i], $"LOAD block {i + 1} of {blocks.Count} (P2 {blocks[i].P2:X2})");
                    task.Increment(blocks[i].Nc);
                }
            });
            var modules = isd.GetStatus(GetStatusScope.LoadFilesAndModules, package.Span).FirstOrDefault(e => e.Aid == package)?.Modules ?? [];
            AnsiConsole.MarkupLine($"[green]loaded[/] {package} from {Markup.Escape(file.Name)}: {assembly.Length:N0} bytes in {blocks.Count} LOAD blocks of up to {size} bytes, {watch.Elapsed.TotalMilliseconds:F0} ms");
            AnsiConsole.MarkupLine(modules.Count == 0 ? "  no applet modules (a library)" : $"  modules {string.Join(", ", modules)}");
        };
    }

    private static Command BuildInstall()
    {
        var package = new Option<string>("--package") { Description = "AID of the load file on the card ('tessera gp list' shows them).", Required = true };
        var module = new Option<string>("--module") { Description = "AID of the applet module in that load file to instantiate.", Required = true };
        var instance = new Option<string>("--instance") { Description = "AID of the new application (any unused AID of 5 to 16 bytes).", Required = true };
        var parameters = new Option<string?>("--params") { Description = "Application parameters (hex), sent as the value of C9 in the install parameters; default none (C9 00)." };
        var privileges = new Option<string?>("--privileges") { Description = "Privileges (hex, 1 or 3 bytes); default 00." };
        var selectable = new Option<bool>("--selectable") { Description = "INSTALL [for install and make selectable]: the application is SELECTABLE at once. Without it, it stays INSTALLED until INSTALL [for make selectable]." };
        return Make(
            "install",
            "Create an application from a module of a load file on the card (INSTALL [for install], optionally [and make selectable]).",
            (parse, noFile) =>
            {
                var packageAid = ParseAid(parse.GetValue(package), "--package");
                var moduleAid = ParseAid(parse.GetValue(module), "--module");
                var instanceAid = ParseAid(parse.GetValue(instance), "--instance");
                var applicationParameters = parse.GetValue(parameters) is { } hex ? ParseHex(hex, "--params") : [];
                var privilegeBytes = parse.GetValue(privileges) is { } p ? ParseHex(p, "--privileges") : [0x00];
                var granted = privilegeBytes.Length is 1 or 3
                    ? Privileges.FromBytes(privilegeBytes)
                    : throw new ArgumentException($"--privileges is 1 or 3 bytes, not {privilegeBytes.Length}");
                var makeSelectable = parse.GetValue(selectable);
                var installParameters = InstallCommand.InstallParameters(applicationParameters);
                _ = InstallCommand.ForInstall(packageAid, moduleAid, instanceAid, granted, installParameters, makeSelectable); // too long for one INSTALL: refused before the card is touched
                return isd =>
                {
                    isd.Install(packageAid, moduleAid, instanceAid, granted, installParameters, makeSelectable);
                    var entry = isd.GetStatus(GetStatusScope.Applications, instanceAid.Span).FirstOrDefault(e => e.Aid == instanceAid);
                    var state = entry is null ? "?" : (entry.LifeCycle & 0x7F) == 0x07 ? "SELECTABLE" : (entry.LifeCycle & 0x7F) == 0x03 ? "INSTALLED" : $"{entry.LifeCycle:X2}";
                    AnsiConsole.MarkupLine($"[green]installed[/] {instanceAid} ({state}) from module {moduleAid} of {packageAid}");
                };
            },
            extra: [package, module, instance, parameters, privileges, selectable]);
    }

    /// <summary>
    /// A gp subcommand: IMAGE or --reader, --key, then <paramref name="plan"/> checks the command's own input (before
    /// the card is touched) and returns what to do with the authenticated ISD. <paramref name="file"/>, when given,
    /// is a file argument after IMAGE (with --reader it is the only positional argument).
    /// </summary>
    private static Command Make(string name, string description, Func<ParseResult, FileInfo?, Action<IssuerSecurityDomain>> plan, Argument<FileInfo?>? file = null, params Symbol[] extra)
    {
        var command = new Command(name, description) { Image, Key, CardTarget.Reader };
        if (file is not null)
        {
            command.Arguments.Add(file);
        }

        foreach (var symbol in extra)
        {
            switch (symbol)
            {
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
                case Option option:
                    command.Options.Add(option);
                    break;
            }
        }

        command.SetAction(parse => CliErrors.Run(() =>
        {
            var (image, reader, fileValue) = Target(parse, file);
            var keys = parse.GetValue(Key) is { } hex ? CardKeys.Static(StaticKeys.FromSingleKey(ParseHex(hex, "--key"))) : CardKeys.GpDefault;
            var action = plan(parse, fileValue);
            using var loggers = CliOptions.Logging(parse);
            using var target = CardTarget.Open(image, reader, null, loggers);
            try
            {
                target.Connection.PowerOn();
                var session = new GpSession(target.Connection);
                session.Select(IssuerSecurityDomain.DefaultAid);
                session.Authenticate(keys, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
                action(new IssuerSecurityDomain(session));
            }
            catch (GpCommandException e)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                if (Hint(e) is { } hint)
                {
                    AnsiConsole.MarkupLine($"       {Markup.Escape(hint)}");
                }

                return CliErrors.Failed;
            }
            catch (Exception e) when (e is GpSecureChannelException or CardConnectionException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                if (e is GpSecureChannelException)
                {
                    AnsiConsole.MarkupLine("       the card's keys are not the ones given: pass the card's SCP03 key with --key");
                }

                return CliErrors.Failed;
            }

            target.Connection.PowerOff();
            return CliErrors.Ok;
        }));
        return command;
    }

    /// <summary>The card: IMAGE or --reader (not both); with --reader, a lone positional is the <paramref name="file"/>.</summary>
    private static (string? Image, string? Reader, FileInfo? File) Target(ParseResult parse, Argument<FileInfo?>? file)
    {
        var image = parse.GetValue(Image);
        var reader = parse.GetValue(CardTarget.Reader);
        var second = file is null ? null : parse.GetValue(file);
        if (reader is not null && image is not null)
        {
            if (file is null || second is not null)
            {
                throw new ArgumentException("name a card image or a --reader, not both");
            }

            (image, second) = (null, image);
        }

        if (image is null && reader is null)
        {
            throw new ArgumentException("name a card image or a --reader");
        }

        if (file is not null && second is null)
        {
            throw new ArgumentException($"name the {file.Name} to send after the card image (or alone with --reader)");
        }

        return (image?.FullName, reader, second);
    }

    /// <summary>What a person can do about the usual refusals of content management.</summary>
    private static string? Hint(GpCommandException e) => (e.Command, e.StatusWord.Value) switch
    {
        (_, 0x6A84) => "the card has not enough free NVM: 'tessera card info' shows it; delete something or use a larger card",
        ("INSTALL [for load]", 0x6985) => "a load file or application with this AID is on the card already: 'tessera gp list' shows it, 'tessera gp delete AID' removes it",
        ("INSTALL [for load]", 0x6A88) => "no such security domain: omit --sd to load under the ISD",
        (_, 0x6A81) => "this card has no applet runtime, so it takes no load files or applets",
        (var c, 0x6A80) when c.StartsWith("LOAD", StringComparison.Ordinal) => "the card refused the load file: it is not a well-formed Tessera load file, or its package AID is not the one named (--package); nothing of it stays on the card",
        (var c, 0x6A86) when c.StartsWith("LOAD", StringComparison.Ordinal) => "the card expected another block number (an earlier load was cut?): run the command again, INSTALL [for load] starts the load afresh",
        (var c, 0x6A88) when c.StartsWith("INSTALL [for install", StringComparison.Ordinal) => "no such load file or module on the card: 'tessera gp list' shows the load files and their modules",
        (var c, 0x6985) when c.StartsWith("INSTALL [for install", StringComparison.Ordinal) => "an application with this instance AID exists already: choose another --instance or 'tessera gp delete' it",
        (var c, 0x6A80) when c.StartsWith("INSTALL [for install", StringComparison.Ordinal) => "the card refused the install data: check --privileges (no security domain privilege) and --params",
        ("DELETE", 0x6985) => "the application is selected on some channel, or it is the ISD: reset the card and try again",
        ("DELETE", 0x6A88) => "nothing with this AID on the card: 'tessera gp list' shows what there is",
        (_, 0x6982) => "security status not satisfied: the secure channel was lost; run the command again",
        _ => null,
    };

    /// <summary>The package AID a Tessera load file declares, checked the way the card's runtime checks it.</summary>
    private static Aid DeclaredPackage(byte[] assembly, FileInfo file)
    {
        try
        {
            return new AppletRuntime(() => throw new InvalidOperationException("inspecting a load file needs no card")).Inspect(assembly).PackageAid;
        }
        catch (IsoException e)
        {
            throw new ArgumentException($"'{file.Name}' is {e.Message.Split(": ", 2)[^1]}; name its package with --package to send it anyway");
        }
    }

    private static Aid ParseAid(string? hex, string what) =>
        Aid.TryParse(hex, out var aid) ? aid : throw new ArgumentException($"{what} must be an AID: 5 to 16 bytes of hex, not '{hex}'");

    private static byte[] ParseHex(string hex, string what) =>
        Hex.TryParse(hex, out var bytes) ? bytes : throw new ArgumentException($"{what} must be hex, not '{hex}'");
}

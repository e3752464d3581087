using System.CommandLine;
using Spectre.Console;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Cli.Commands;

/// <summary><c>tessera gp info|list|delete|lock|unlock</c>: card management over an authenticated SCP03 session.</summary>
internal static class GpCommands
{
    private static readonly Argument<FileInfo?> Image = new("IMAGE") { Description = "Card image (omit with --reader).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Key = new("--key") { Description = "Static SCP03 key (hex, used for ENC, MAC and DEK); default the GP test key 404142…4F." };

    public static Command Build()
    {
        var gp = new Command("gp", "GlobalPlatform card management over SCP03 (C-MAC + C-DECRYPTION).");
        gp.Subcommands.Add(Make("info", "Show CPLC (with the IC serial number), card data and key information.", (isd, _) =>
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
        gp.Subcommands.Add(Make("list", "List the registry: the ISD, applications, load files and their modules.", (isd, _) =>
        {
            var table = new Table().AddColumn("kind").AddColumn("AID").AddColumn("life cycle").AddColumn("details");
            foreach (var scope in new[] { GetStatusScope.IssuerSecurityDomain, GetStatusScope.Applications, GetStatusScope.LoadFilesAndModules })
            {
                foreach (var e in isd.GetStatus(scope))
                {
                    var details = e.Modules.Count > 0 ? "modules " + string.Join(", ", e.Modules) : e.Privileges?.ToString() ?? string.Empty;
                    table.AddRow(e.Kind.ToString(), e.Aid.ToString(), e.LifeCycle.ToString("X2", System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(details));
                }
            }

            AnsiConsole.Write(table);
        }));
        var aid = new Argument<string>("AID") { Description = "AID in hex." };
        gp.Subcommands.Add(Make("delete", "Delete an application, or a load file with its applications.", (isd, p) => isd.Delete(Aid.Parse(p.GetValue(aid)!), withRelatedObjects: true), aid));
        gp.Subcommands.Add(Make("lock", "Lock an application (SET STATUS, LOCKED bit).", (isd, p) => isd.Session.Send(SetStatusCommand.Lock(Aid.Parse(p.GetValue(aid)!)), "SET STATUS lock"), aid));
        gp.Subcommands.Add(Make("unlock", "Unlock an application (SET STATUS).", (isd, p) => isd.Session.Send(SetStatusCommand.Unlock(Aid.Parse(p.GetValue(aid)!)), "SET STATUS unlock"), aid));
        return gp;
    }

    private static Command Make(string name, string description, Action<IssuerSecurityDomain, ParseResult> action, params Argument[] extra)
    {
        var command = new Command(name, description) { Image, Key, CardTarget.Reader };
        foreach (var argument in extra)
        {
            command.Arguments.Add(argument);
        }

        command.SetAction(parse => CliErrors.Run(() =>
        {
            var image = parse.GetValue(Image)?.FullName;
            var reader = parse.GetValue(CardTarget.Reader);
            if (image is null && reader is null)
            {
                throw new ArgumentException("name a card image or a --reader");
            }

            using var loggers = CliOptions.Logging(parse);
            using var target = CardTarget.Open(image, reader, null, loggers);
            target.Connection.PowerOn();
            var session = new GpSession(target.Connection);
            session.Select(IssuerSecurityDomain.DefaultAid);
            var keys = parse.GetValue(Key) is { } hex ? CardKeys.Static(StaticKeys.FromSingleKey(Hex.Parse(hex))) : CardKeys.GpDefault;
            session.Authenticate(keys, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
            try
            {
                action(new IssuerSecurityDomain(session), parse);
            }
            catch (GpCommandException e)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return CliErrors.Failed;
            }

            target.Connection.PowerOff();
            return CliErrors.Ok;
        }));
        return command;
    }
}

using System.CommandLine;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Spectre.Console;
using Tessera.Card;
using Tessera.Card.Attachments;
using Tessera.Card.Runtime;

namespace Tessera.Cli.Commands;

/// <summary>
/// <c>tessera serve IMAGE… [--vpcd HOST:PORT] [--reversed] [--dual-interface] [--tear-at-write N]</c> (SPEC §8):
/// attaches card images to pcsc-lite through vpcd, one vpcd slot per interface, until Ctrl-C or SIGTERM.
/// </summary>
internal static class ServeCommand
{
    public static Command Build()
    {
        var images = new Argument<FileInfo[]>("IMAGE") { Description = "Card image(s); each takes the next vpcd slot (two with --dual-interface).", Arity = ArgumentArity.OneOrMore };
        var vpcd = new Option<string>("--vpcd") { Description = "vpcd address of the first slot, HOST:PORT (slot n uses PORT + n).", DefaultValueFactory = _ => $"127.0.0.1:{VpcdAttachment.DefaultPort}" };
        var reversed = new Option<bool>("--reversed") { Description = "Listen for vpcd instead of connecting to it (vpcd configured with the card's host:port)." };
        var dual = new Option<bool>("--dual-interface") { Description = "Also attach each card's contactless interface, on the next slot." };
        var tear = new Option<long?>("--tear-at-write") { Description = "Tear (cut power) at physical NVM write N after the next power-on of the (first) card." };
        var command = new Command("serve", "Attach card images to pcsc-lite through vsmartcard's vpcd: any PC/SC client then sees them in 'Virtual PCD 00 0n'.") { images, vpcd, reversed, dual, tear };
        command.SetAction(async (parse, cancellation) =>
        {
            var (host, port) = ParseEndpoint(parse.GetValue(vpcd)!);
            if (port < 0)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] --vpcd must be HOST:PORT, got '{Markup.Escape(parse.GetValue(vpcd)!)}'");
                return CliErrors.Failed;
            }

            using var loggers = LoggerFactory.Create(b =>
            {
                b.AddSimpleConsole(o =>
                {
                    o.SingleLine = true;
                    o.TimestampFormat = "HH:mm:ss.fff ";
                });
                b.SetMinimumLevel(LogLevel.Information);
            });
            var logger = loggers.CreateLogger("tessera.serve");
            var devices = new List<SecureDevice>();
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
            {
                context.Cancel = true;
                stop.Cancel();
            });
            try
            {
                var attachments = new List<VpcdAttachment>();
                var slot = 0;
                foreach (var image in parse.GetValue(images)!)
                {
                    var device = SecureDevice.OpenImage(image.FullName, loggers);
                    device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
                    devices.Add(device);
                    device.Events.Recorded += e => logger.LogInformation("{Image}: {Event}", image.Name, e);
                    if (devices.Count == 1 && parse.GetValue(tear) is { } write)
                    {
                        device.ArmTearAtWrite(write);
                    }

                    var interfaces = parse.GetValue(dual) ? new[] { CardInterface.Contact, CardInterface.Contactless } : [CardInterface.Contact];
                    foreach (var cardInterface in interfaces)
                    {
                        attachments.Add(new VpcdAttachment(device, cardInterface, host, port + slot, parse.GetValue(reversed), loggers.CreateLogger($"tessera.vpcd.{slot}"))
                        {
                            TraceApdus = parse.GetValue(CliOptions.Verbose),
                        });
                        logger.LogInformation("{Image} {Interface} -> vpcd slot {Slot} ({Host}:{Port})", image.Name, cardInterface, slot, host, port + slot);
                        slot++;
                    }
                }

                await Task.WhenAll(attachments.Select(a => a.RunAsync(stop.Token)));
                logger.LogInformation("stopped; card images closed cleanly");
                return CliErrors.Ok;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or CardProfileException or UnauthorizedAccessException)
            {
                AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
                return CliErrors.Failed;
            }
            finally
            {
                foreach (var device in devices)
                {
                    device.Dispose();
                }
            }
        });
        return command;
    }

    private static (string Host, int Port) ParseEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port) || port is < 1 or > 65535)
        {
            return (text, -1);
        }

        return (text[..colon], port);
    }
}

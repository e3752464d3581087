using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace Tessera.Cli;

/// <summary>Options shared by every command.</summary>
internal static class CliOptions
{
    public static readonly Option<bool> Verbose = new("--verbose", "-v")
    {
        Description = "Log what the card and host do (every APDU with its status word name).",
        Recursive = true,
    };

    public static ILoggerFactory Logging(ParseResult parse) => LoggerFactory.Create(builder =>
    {
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss.fff ";
        });
        builder.SetMinimumLevel(parse.GetValue(Verbose) ? LogLevel.Debug : LogLevel.Warning);
    });
}

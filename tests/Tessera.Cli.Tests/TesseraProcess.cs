using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Tessera.Cli.Tests;

/// <summary>Runs <c>tessera</c> as a separate process, as a person would, and returns its exit code and output.</summary>
internal static partial class TesseraProcess
{
    /// <summary>The output as one line of plain text: no colours, no table borders, no line breaks from the console width.</summary>
    public static (int Code, string Output) Run(string? workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (workingDirectory is not null)
        {
            start.WorkingDirectory = workingDirectory;
        }

        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "tessera.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start tessera");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "tessera did not exit");
        var text = Colours().Replace(stdout + stderr.Result, string.Empty);
        text = Borders().Replace(text, " ");
        return (process.ExitCode, Spaces().Replace(text, " "));
    }

    [GeneratedRegex("\x1B\\[[0-9;]*m")]
    private static partial Regex Colours();

    [GeneratedRegex("[│┌┐└┘├┤─┬┴┼]")]
    private static partial Regex Borders();

    [GeneratedRegex("\\s+")]
    private static partial Regex Spaces();
}

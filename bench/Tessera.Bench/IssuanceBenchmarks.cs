using System.Diagnostics;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.Transport;

namespace Tessera.Bench;

/// <summary>Issue 3 figures: conventional issuance of the sample purse profile, the baseline for self-issuance.</summary>
internal static class IssuanceBenchmarks
{
    public static void Run(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## conventional issuance of samples/purse-profile.json (SCP03 C-MAC + C-DECRYPTION)");
        var root = FindRoot();
        var profile = IssuanceProfile.Load(Path.Combine(root, "samples", "purse-profile.json"));
        var record = CardRecord.Load(Path.Combine(root, "samples", "purse-card-0001.json"));
        var loadFile = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll"));
        var prepared = DataPreparation.Prepare(profile, record, new DataPreparationOptions { LoadFileBytes = loadFile });
        Console.WriteLine($"  load file {loadFile.Length:N0} bytes, {prepared.Count} prepared commands");
        foreach (var link in LinkProfile.BuiltIn)
        {
            var summary = IssueOne(prepared, link);
            var onCard = summary.MeasuredTime;
            Console.WriteLine($"  {link.Name,-8} {summary.Commands,4} commands {summary.BytesOnWire,8:N0} bytes  modelled link {summary.ModelledLinkTime!.Value.TotalMilliseconds,9:N1} ms + measured {onCard.TotalMilliseconds,7:N1} ms");
        }

        // Cards per second in process (local link): the baseline mass-issuance rate.
        var cards = quick ? 5 : 30;
        IssueOne(prepared, LinkProfile.Local);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < cards; i++)
        {
            IssueOne(prepared, LinkProfile.Local);
        }

        Console.WriteLine($"  conventional issuance in process, one thread: {cards / watch.Elapsed.TotalSeconds,8:N1} cards/s ({cards} cards)");
    }

    private static IssuanceSummary IssueOne(IReadOnlyList<PreparedCommand> prepared, LinkProfile link)
    {
        using var device = SecureDevice.Create(CardProfile.Default);
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        using var connection = new LinkedConnection(new InProcessConnection(device), link);
        connection.PowerOn();
        return new ConventionalIssuer(connection).Issue(prepared);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}

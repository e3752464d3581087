using System.Diagnostics;
using Tessera.Bench;

// Tessera benchmarks: prints figures, and ratios against baselines measured in the same run.
// Usage: dotnet run -c Release --project bench/Tessera.Bench [-- runtime|issuance|self-issuance|pcsc] [--quick]
// 'pcsc' (APDUs through pcscd + vpcd, needs pcscd running) runs only when named.
var quick = args.Contains("--quick");
var selected = args.Where(a => !a.StartsWith("--", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
Console.WriteLine($"Tessera benchmarks, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {(quick ? "quick" : "full")} run, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
var total = Stopwatch.StartNew();
if (selected.Count == 0 || selected.Contains("runtime"))
{
    RuntimeBenchmarks.Run(quick);
}

if (selected.Count == 0 || selected.Contains("issuance"))
{
    IssuanceBenchmarks.Run(quick);
}

if (selected.Count == 0 || selected.Contains("self-issuance"))
{
    SelfIssuanceBenchmarks.Run(quick);
}

if (selected.Contains("pcsc"))
{
    PcscBenchmarks.Run(quick);
}

Console.WriteLine($"done in {total.Elapsed.TotalSeconds:F1} s");

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.SelfIssuance;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Bench;

/// <summary>
/// Issue 5 figures: conventional issuance against self-issuance for load files of 4, 32 and 128 KiB plus
/// personalisation on the four link profiles, with the ratio to the physical limit of each link; direct reference
/// against block-by-block LOAD inside the card; and mass self-issuance in process.
/// </summary>
internal static class SelfIssuanceBenchmarks
{
    private const string Package = "F05445535380";
    private const string Applet = "F0544553538001";

    public static void Run(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## conventional issuance vs self-issuance (SCP03 C-MAC + C-DECRYPTION), fresh default cards");
        Console.WriteLine("   self/memory: the structure written by the memory interface; self/apdu: by extended UPDATE BINARY (EF created first)");
        Console.WriteLine("   total = modelled link time + measured on-card time; limit = structure bytes / bandwidth + the 5 round trips no");
        Console.WriteLine("   self-issuance avoids (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, one direct-access write, START, CONFIRM)");
        foreach (var kib in new[] { 4, 32, 128 })
        {
            var loadFile = SizedLoadFile(kib * 1024);
            var prepared = Prepare(loadFile);
            var structure = SimultaneousCommandBuilder.FromPrepared(prepared).Build();
            Console.WriteLine($"  load file {loadFile.Length:N0} bytes ({kib} KiB) + personalisation: {prepared.Count} commands, simultaneous command {structure.Length:N0} bytes");
            Console.WriteLine($"    {"link",-8} {"method",-13} {"exch.",6} {"bytes",9} {"link ms",10} {"card ms",8} {"total ms",10} {"limit ms",9} {"x limit",8}");
            foreach (var link in LinkProfile.BuiltIn)
            {
                var conventional = Measure(link, connection => new ConventionalIssuer(connection).Issue(prepared));
                var self = Measure(link, connection => new SelfIssuanceManager(connection, new SelfIssuanceOptions { PowerOnAtStart = false }).Issue(prepared));
                var selfApdu = Measure(link, connection => new SelfIssuanceManager(connection, new SelfIssuanceOptions { PowerOnAtStart = false, UseMemoryInterface = false }).Issue(prepared));
                var limit = PhysicalLimit(link, structure.Length);
                Print(link, "conventional", conventional, limit);
                Print(link, "self/memory", self, limit);
                Print(link, "self/apdu", selfApdu, limit);
                Console.WriteLine($"    {link.Name,-8} self-issuance is {conventional.Total / self.Total,6:N1}x faster than conventional ({conventional.Total / selfApdu.Total:N1}x by UPDATE BINARY)");
            }
        }

        DirectReference(quick);
        MassIssuance(quick);
    }

    /// <summary>The same LOAD inside the card: one direct-reference block vs 255-byte blocks.</summary>
    private static void DirectReference(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## direct reference vs block-by-block LOAD inside the card (START P2 00 on an in-memory card, median of runs)");
        var loadFile = SizedLoadFile(32 * 1024);
        var runs = quick ? 5 : 21;
        var oneBlock = Prepare(loadFile, loadBlockSize: 65535);
        var blocks = Prepare(loadFile, loadBlockSize: 255);
        var direct = StartTime(oneBlock, runs);
        var byBlock = StartTime(blocks, runs);
        Console.WriteLine($"  load file {loadFile.Length:N0} bytes: direct reference {oneBlock.Count,4} commands processed, START {direct.TotalMilliseconds,7:N2} ms");
        Console.WriteLine($"  {string.Empty,-24}block by block   {blocks.Count,4} commands processed, START {byBlock.TotalMilliseconds,7:N2} ms ({byBlock / direct:N1}x the time)");
    }

    /// <summary>Cards per second issued by self-issuance in process, one card per thread at a time.</summary>
    private static void MassIssuance(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## mass self-issuance in process (samples/purse-profile.json, memory interface, default 1 MiB cards)");
        var prepared = SamplePurse();
        var cards = quick ? 200 : 3000;
        IssueSampleCard(prepared);
        var threads = Environment.ProcessorCount;
        foreach (var parallelism in new[] { 1, threads })
        {
            var watch = Stopwatch.StartNew();
            Parallel.For(0, cards, new ParallelOptions { MaxDegreeOfParallelism = parallelism }, _ => IssueSampleCard(prepared));
            Console.WriteLine($"  {parallelism} thread(s): {cards / watch.Elapsed.TotalSeconds,8:N0} cards/s ({cards} cards, card creation included)");
        }

        // Issuance alone, as on a production line where the cards exist before they are issued: batches of created,
        // powered cards (not timed) issued in parallel (timed).
        var issueTime = TimeSpan.Zero;
        for (var done = 0; done < cards; done += 200)
        {
            var batch = Enumerable.Range(0, Math.Min(200, cards - done)).Select(_ =>
            {
                var device = NewCard();
                var connection = new InProcessConnection(device);
                connection.PowerOn();
                return (device, connection);
            }).ToList();
            var watch = Stopwatch.StartNew();
            Parallel.ForEach(batch, new ParallelOptions { MaxDegreeOfParallelism = threads }, card =>
                new SelfIssuanceManager(card.connection, new SelfIssuanceOptions { PowerOnAtStart = false }).Issue(prepared));
            issueTime += watch.Elapsed;
            batch.ForEach(card => card.device.Dispose());
        }

        Console.WriteLine($"  {threads} thread(s), issuance only (cards created and powered beforehand): {cards / issueTime.TotalSeconds,8:N0} cards/s");

        var conventionalCards = quick ? 20 : 200;
        var baseline = Stopwatch.StartNew();
        Parallel.For(0, conventionalCards, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ =>
        {
            using var device = NewCard();
            var connection = new InProcessConnection(device);
            connection.PowerOn();
            new ConventionalIssuer(connection).Issue(prepared);
        });
        Console.WriteLine($"  baseline, conventional issuance on {threads} threads: {conventionalCards / baseline.Elapsed.TotalSeconds,8:N0} cards/s");
    }

    private static void IssueSampleCard(IReadOnlyList<PreparedCommand> prepared)
    {
        using var device = NewCard();
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var summary = new SelfIssuanceManager(connection, new SelfIssuanceOptions { PowerOnAtStart = false }).Issue(prepared);
        if (summary.FinalState != IssuanceState.Confirmed)
        {
            throw new InvalidOperationException($"self-issuance ended {summary.FinalState}");
        }
    }

    private static TimeSpan StartTime(IReadOnlyList<PreparedCommand> prepared, int runs)
    {
        var structure = SimultaneousCommandBuilder.FromPrepared(prepared).Build();
        var times = new List<TimeSpan>();
        for (var i = 0; i < runs + 1; i++)
        {
            using var device = NewCard();
            var connection = new InProcessConnection(device);
            connection.PowerOn();
            var session = new GpSession(connection);
            session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac);
            Expect(session.Transmit(CommandStorage.SelectDf()));
            Expect(session.Transmit(CommandStorage.CreateEf(CommandStorage.DefaultEfFid, structure.Length)));
            device.MemoryWrite(CommandStorage.DefaultEfFid, 0, structure);
            var start = new StartSelfIssuance { Fid = CommandStorage.DefaultEfFid }.ToCommand();
            var watch = Stopwatch.StartNew();
            Expect(session.Transmit(start));
            if (i > 0)
            {
                times.Add(watch.Elapsed);
            }
        }

        times.Sort();
        return times[times.Count / 2];
    }

    private static (int Exchanges, long Bytes, TimeSpan Link, TimeSpan Card, TimeSpan Total) Measure(LinkProfile link, Action<ICardConnection> issue)
    {
        using var device = NewCard();
        using var connection = new LinkedConnection(new InProcessConnection(device), link);
        connection.PowerOn();
        var before = connection.Statistics;
        issue(connection);
        var after = connection.Statistics;
        var linkTime = after.ModelledLinkTime - before.ModelledLinkTime;
        var cardTime = after.MeasuredCardTime - before.MeasuredCardTime;
        return (after.Exchanges - before.Exchanges, after.TotalBytes - before.TotalBytes, linkTime, cardTime, linkTime + cardTime);
    }

    /// <summary>The structure's bytes at the link's bandwidth, plus the round trips no self-issuance can avoid.</summary>
    private static TimeSpan PhysicalLimit(LinkProfile link, int structureBytes)
    {
        const int exchanges = 5;
        var transfer = link.BitsPerSecond <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds((double)structureBytes * link.BitsPerByte / link.BitsPerSecond);
        return transfer + (exchanges * 2 * link.OneWayLatency);
    }

    private static void Print(LinkProfile link, string method, (int Exchanges, long Bytes, TimeSpan Link, TimeSpan Card, TimeSpan Total) m, TimeSpan limit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {link.Name,-8} {method,-13} {m.Exchanges,6} {m.Bytes,9:N0} {m.Link.TotalMilliseconds,10:N1} {m.Card.TotalMilliseconds,8:N1} {m.Total.TotalMilliseconds,10:N1} {limit.TotalMilliseconds,9:N1} {(limit > TimeSpan.Zero ? (m.Total / limit).ToString("N2", CultureInfo.InvariantCulture) : "-"),8}"));

    private static SecureDevice NewCard()
    {
        var device = SecureDevice.Create(CardProfile.Default);
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        return device;
    }

    private static void Expect(ResponseApdu response)
    {
        if (response.SW is not (0x9000 or 0x6300))
        {
            throw new InvalidOperationException($"the card answered {response.StatusWord.Describe()}");
        }
    }

    private static IReadOnlyList<PreparedCommand> SamplePurse()
    {
        var root = Root();
        return DataPreparation.Prepare(
            IssuanceProfile.Load(Path.Combine(root, "samples", "purse-profile.json")),
            CardRecord.Load(Path.Combine(root, "samples", "purse-card-0001.json")),
            new DataPreparationOptions { LoadFileBytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll")) });
    }

    /// <summary>INSTALL [for load] + LOAD + INSTALL [for install and make selectable] + INSTALL [for personalization] + 3 STORE DATA.</summary>
    private static IReadOnlyList<PreparedCommand> Prepare(byte[] loadFile, int loadBlockSize = 65535)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tessera-bench");
        Directory.CreateDirectory(directory);
        var profilePath = Path.Combine(directory, "sized-profile.json");
        File.WriteAllText(profilePath, $$"""
            {
              "name": "sized",
              "loadFile": { "path": "sized.dll", "packageAid": "{{Package}}" },
              "instances": [ { "moduleAid": "{{Applet}}", "instanceAid": "{{Applet}}", "privileges": "000000", "applicationParameters": "", "makeSelectable": true } ],
              "personalisation": [ { "instanceAid": "{{Applet}}", "dgis": [
                { "dgi": "0101", "value": "{a}" }, { "dgi": "0102", "value": "{b}" }, { "dgi": "8101", "value": "{c}" } ] } ]
            }
            """);
        var recordPath = Path.Combine(directory, "sized-record.json");
        File.WriteAllText(recordPath, $$"""{ "a": "{{new string('A', 128)}}", "b": "{{new string('B', 128)}}", "c": "{{new string('C', 64)}}" }""");
        return DataPreparation.Prepare(IssuanceProfile.Load(profilePath), CardRecord.Load(recordPath), new DataPreparationOptions { LoadFileBytes = loadFile, LoadBlockSize = loadBlockSize });
    }

    private static readonly Dictionary<int, byte[]> SizedCache = [];

    /// <summary>
    /// A real load file of about <paramref name="bytes"/> bytes: an applet assembly (compiled here) whose size comes from
    /// a constant table it reports the length of; it stores whatever STORE DATA brings.
    /// </summary>
    private static byte[] SizedLoadFile(int bytes)
    {
        if (SizedCache.TryGetValue(bytes, out var cached))
        {
            return cached;
        }

        var empty = Compile(0).Length;
        var padding = Math.Max(0, bytes - empty);
        var assembly = Compile(padding);
        var extra = assembly.Length - bytes;
        if (extra > 0 && padding > extra)
        {
            assembly = Compile(padding - extra);
        }

        return SizedCache[bytes] = assembly;
    }

    private static byte[] Compile(int paddingBytes)
    {
        var random = new Random(paddingBytes);
        var table = new StringBuilder(paddingBytes * 4);
        for (var i = 0; i < paddingBytes; i++)
        {
            table.Append(random.Next(256).ToString(CultureInfo.InvariantCulture)).Append(',');
        }

        var source = $$"""
            using Tessera.Card; using Tessera.Card.Runtime;
            [assembly: TesseraPackage("{{Package}}")]
            [TesseraApplet("{{Applet}}")]
            public sealed class Sized : Applet
            {
                private static readonly byte[] Table = new byte[] { {{table}} };

                public override void Process(AppletApdu apdu)
                {
                    switch (apdu.Ins)
                    {
                        case 0xE2: Store.Write((ushort)(0x100 + apdu.P2), apdu.Data.Span); break;
                        case 0x20: apdu.Send(new byte[] { (byte)(Table.Length >> 16), (byte)(Table.Length >> 8), (byte)Table.Length }); break;
                        default: throw IsoException.Of(0x6D00);
                    }
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "Tessera.Card.dll" or "Tessera.Iso7816.dll" or "Tessera.Crypto.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Sized", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            throw new InvalidOperationException(string.Join('\n', result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        }

        return stream.ToArray();
    }

    private static string Root()
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

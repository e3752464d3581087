using System.Diagnostics;
using System.Net.Sockets;
using Tessera.Card;
using Tessera.Card.Attachments;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Bench;

/// <summary>
/// Issue 4 figures: APDU round trips per second through pcscd and vpcd for a fixed mix (SELECT by FID, GET CHALLENGE of
/// 8 bytes, READ BINARY of 200 bytes), with the same PC/SC client (<see cref="PcscConnection"/>) against (a) a Tessera
/// card served by its vpcd attachment, (b) vsmartcard's Python card (vicc, Debian packages vsmartcard-vpicc,
/// python3-virtualsmartcard and python3-pycryptodome) and (c) an echo card that answers every command with as many
/// zero bytes as it asks for and 9000, with and without prompt ACKs (see <see cref="VpcdFraming.AcknowledgePromptly"/>).
/// Tessera and the echo cards run in this process. Needs pcscd with vsmartcard-vpcd running; it uses both vpcd slots.
/// </summary>
internal static class PcscBenchmarks
{
    private static readonly string[] Readers = ["Virtual PCD 00 00", "Virtual PCD 00 01"];
    private static readonly byte[] EchoAtr = Hex.Parse("3B80800101");
    private static readonly byte[] CreateEf = Hex.Parse("00E000000D620B83020101820101800200C8"); // EF 0101, 200 bytes
    private static readonly byte[][] Mix = [Hex.Parse("00A4000C020101"), Hex.Parse("0084000008"), Hex.Parse("00B00000C8")];
    private static readonly int[] MixResponseLengths = [2, 10, 202];

    public static void Run(bool quick)
    {
        Console.WriteLine();
        Console.WriteLine("## APDU round trips through pcscd + vpcd: SELECT by FID, GET CHALLENGE (8 bytes), READ BINARY (200 bytes)");
        try
        {
            using var context = PcscContext.Establish();
            var readers = context.ListReaders();
            if (Readers.Any(r => !readers.Contains(r)))
            {
                Console.WriteLine($"  skipped: pcscd lists [{string.Join(", ", readers)}], not the vpcd readers (apt-get install pcscd vsmartcard-vpcd; pcscd)");
                return;
            }
        }
        catch (PcscException e)
        {
            Console.WriteLine($"  skipped: {e.Message}");
            return;
        }

        // Tessera (slot 0) and the echo card (slot 1) are measured in alternating segments, so that both see the same
        // machine load; the slow cards get a fixed number of APDUs each.
        var rounds = quick ? 4 : 20;
        var segment = TimeSpan.FromMilliseconds(quick ? 250 : 500);
        using var device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true });
        Rate tessera, echo;
        var ratios = new List<double>();
        using (var tesseraCard = ServedCard.Start("Tessera card, vpcd attachment", 0, device.Atr, (port, stop) => new VpcdAttachment(device, CardInterface.Contact, "127.0.0.1", port, reversed: false).RunAsync(stop)))
        using (var echoCard = ServedCard.Start("echo card, prompt ACKs", 1, EchoAtr, (port, stop) => new EchoCard(port, promptAck: true).RunAsync(stop)))
        {
            tessera = echo = default;
            for (var round = 0; round < rounds; round++)
            {
                // ABBA order, so that a drift in the load favours neither.
                var first = round % 2 == 0;
                var a = (first ? tesseraCard : echoCard).RunMix(segment);
                var b = (first ? echoCard : tesseraCard).RunMix(segment);
                var (t, e) = first ? (a, b) : (b, a);
                tessera += t;
                echo += e;
                ratios.Add(t.PerSecond / e.PerSecond);
            }

            Print(tesseraCard.Name, tessera);
            Print(echoCard.Name, echo);
        }

        // The card's own share: the same mix sent to the same device in process, without PC/SC.
        var inProcess = Stopwatch.StartNew();
        var direct = 0L;
        device.PowerOn();
        while (inProcess.Elapsed < segment)
        {
            foreach (var command in Mix)
            {
                device.Transmit(CardInterface.Contact, command);
            }

            direct += Mix.Length;
        }

        device.PowerOff();
        Print("the same Tessera card in process, no PC/SC", new Rate(direct, inProcess.Elapsed.TotalSeconds));

        var count = quick ? 30 : 90;
        Rate? naive = null, vicc = null;
        using (var naiveCard = ServedCard.Start("echo card, no prompt ACKs", 1, EchoAtr, (port, stop) => new EchoCard(port, promptAck: false).RunAsync(stop)))
        {
            naive = naiveCard.RunMix(count);
            Print(naiveCard.Name, naive.Value);
        }

        using (var viccCard = StartVicc(0))
        {
            if (viccCard is not null)
            {
                vicc = viccCard.RunMix(count);
                Print(viccCard.Name, vicc.Value);
            }
        }

        ratios.Sort();
        Console.WriteLine();
        Console.WriteLine($"  Tessera / echo: {tessera.PerSecond / echo.PerSecond,7:F2}x overall, median of {rounds} paired segments {ratios[ratios.Count / 2]:F2}x (goal: within 1.5x, i.e. >= 0.67x)");
        if (vicc is { } v)
        {
            Console.WriteLine($"  Tessera / vicc: {tessera.PerSecond / v.PerSecond,7:F1}x (goal >= 10x)");
        }

        Console.WriteLine($"  Tessera / echo without prompt ACKs: {tessera.PerSecond / naive.Value.PerSecond,7:F1}x");
    }

    private static void Print(string name, Rate rate) =>
        Console.WriteLine($"  {name,-40} {rate.PerSecond,9:N0} APDU/s  {1e6 / rate.PerSecond,9:N0} us per APDU  ({rate.Apdus:N0} APDUs in {rate.Seconds:F1} s)");

    private static ServedCard? StartVicc(int slot)
    {
        // Debian installs vicc's module one level too deep and it imports 'Crypto' (pycryptodome) while Debian ships
        // 'Cryptodome' (python3-pycryptodome): a PYTHONPATH with a symlink fixes both (reference/pcsc-notes.md).
        const string module = "/usr/lib/python3/site-packages/virtualsmartcard";
        const string cryptodome = "/usr/lib/python3/dist-packages/Cryptodome";
        if (!File.Exists("/usr/bin/vicc") || !Directory.Exists(module) || !Directory.Exists(cryptodome))
        {
            Console.WriteLine("  vicc: skipped (apt-get install vsmartcard-vpicc python3-virtualsmartcard python3-pycryptodome)");
            return null;
        }

        var shim = Path.Combine(Path.GetTempPath(), $"tessera-bench-vicc-{Environment.ProcessId}");
        Directory.CreateDirectory(shim);
        File.CreateSymbolicLink(Path.Combine(shim, "Crypto"), cryptodome);
        try
        {
            return ServedCard.Start("vsmartcard vicc --type iso7816 (Python)", slot, null, async (port, stop) =>
            {
                var start = new ProcessStartInfo("/usr/bin/vicc") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
                foreach (var argument in new[] { "--type", "iso7816", "--hostname", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                {
                    start.ArgumentList.Add(argument);
                }

                start.Environment["PYTHONPATH"] = $"{shim}:{module}";
                using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start vicc");
                var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
                var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
                try
                {
                    await process.WaitForExitAsync(stop).ConfigureAwait(false);
                    Console.WriteLine($"  vicc exited early ({process.ExitCode}): {await errors.ConfigureAwait(false)}");
                }
                catch (OperationCanceledException)
                {
                    process.Kill();
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                }

                await Task.WhenAll(output, errors).ConfigureAwait(false);
                Directory.Delete(shim, recursive: true);
            });
        }
        catch
        {
            Directory.Delete(shim, recursive: true);
            throw;
        }
    }

    private readonly record struct Rate(long Apdus, double Seconds)
    {
        public double PerSecond => Apdus / Seconds;

        public static Rate operator +(Rate a, Rate b) => new(a.Apdus + b.Apdus, a.Seconds + b.Seconds);
    }

    /// <summary>
    /// A card served on a vpcd slot with a PC/SC connection to it: started, reached (its ATR, or any ATR but Tessera's
    /// and the echo card's when none is given), its EF created and the mix warmed up; disposing stops the card and
    /// waits until pcscd's presence poll has seen it leave, so that the slot takes the next card in.
    /// </summary>
    private sealed class ServedCard : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task serving;
        private readonly string reader;
        private PcscConnection? connection;

        private ServedCard(string name, int slot, Func<int, CancellationToken, Task> serve)
        {
            Name = name;
            reader = Readers[slot];
            serving = Task.Run(() => serve(VpcdAttachment.DefaultPort + slot, stop.Token));
        }

        public string Name { get; }

        private PcscConnection Connection => connection ?? throw new InvalidOperationException($"{Name} is not connected");

        public static ServedCard Start(string name, int slot, byte[]? atr, Func<int, CancellationToken, Task> serve)
        {
            var card = new ServedCard(name, slot, serve);
            try
            {
                card.Connect(atr);
                var created = card.Connection.Transmit(CreateEf);
                if (created[^2..] is not [0x90, 0x00] and not [0x6A, 0x89])
                {
                    throw new InvalidOperationException($"{name}: CREATE FILE answered {Convert.ToHexString(created)}");
                }

                card.RunMix(9);
                return card;
            }
            catch
            {
                card.Dispose();
                throw;
            }
        }

        /// <summary>Runs the mix for about <paramref name="duration"/>.</summary>
        public Rate RunMix(TimeSpan duration)
        {
            var apdus = 0L;
            var watch = Stopwatch.StartNew();
            do
            {
                RunOnce();
                apdus += Mix.Length;
            }
            while (watch.Elapsed < duration);
            return new Rate(apdus, watch.Elapsed.TotalSeconds);
        }

        /// <summary>Runs the mix for <paramref name="apdus"/> APDUs (rounded up to whole mixes).</summary>
        public Rate RunMix(int apdus)
        {
            var watch = Stopwatch.StartNew();
            var mixes = (apdus + Mix.Length - 1) / Mix.Length;
            for (var i = 0; i < mixes; i++)
            {
                RunOnce();
            }

            return new Rate(mixes * Mix.Length, watch.Elapsed.TotalSeconds);
        }

        public void Dispose()
        {
            connection?.Dispose();
            stop.Cancel();
            serving.Wait(TimeSpan.FromSeconds(10));
            stop.Dispose();
            using var context = PcscContext.Establish();
            var waited = Stopwatch.StartNew();
            while (context.GetReaderState(reader).CardPresent && waited.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(50);
            }
        }

        private void RunOnce()
        {
            for (var i = 0; i < Mix.Length; i++)
            {
                var response = Connection.Transmit(Mix[i]);
                if (response.Length != MixResponseLengths[i] || response[^2] != 0x90 || response[^1] != 0x00)
                {
                    throw new InvalidOperationException($"{Name}: {Convert.ToHexString(Mix[i])} answered {Convert.ToHexString(response)}");
                }
            }
        }

        private void Connect(byte[]? atr)
        {
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                if (serving.IsCompleted)
                {
                    throw new InvalidOperationException($"{Name} stopped before it appeared in '{reader}'", serving.Exception?.GetBaseException());
                }

                var candidate = new PcscConnection(reader, TimeSpan.FromSeconds(1));
                try
                {
                    var answer = candidate.PowerOn();
                    if (atr is null ? !answer.AsSpan().SequenceEqual(EchoAtr) && !answer.AsSpan().SequenceEqual(CardProfile.Default.AtrBytes) : answer.AsSpan().SequenceEqual(atr))
                    {
                        connection = candidate;
                        return;
                    }
                }
                catch (CardConnectionException)
                {
                }

                candidate.Dispose();
                Thread.Sleep(100);
            }

            throw new InvalidOperationException($"{Name} did not appear in '{reader}'");
        }
    }

    /// <summary>
    /// The minimal vpcd card: answers the ATR poll with <see cref="EchoAtr"/>, ignores power control, and answers every
    /// command with Ne zero bytes and 9000 (the same response sizes as a real card for this mix).
    /// </summary>
    private sealed class EchoCard(int port, bool promptAck)
    {
        public async Task RunAsync(CancellationToken stop)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync("127.0.0.1", port, stop).ConfigureAwait(false);
                    using var stream = new NetworkStream(socket, ownsSocket: false);
                    while (true)
                    {
                        if (promptAck)
                        {
                            VpcdFraming.AcknowledgePromptly(socket);
                        }

                        if (await VpcdFraming.ReadMessageAsync(stream, stop).ConfigureAwait(false) is not { } message)
                        {
                            break;
                        }

                        if (message.Length == 1)
                        {
                            if (message[0] == VpcdFraming.GetAtr)
                            {
                                await VpcdFraming.WriteMessageAsync(stream, EchoAtr, stop).ConfigureAwait(false);
                            }

                            continue;
                        }

                        var ne = CommandApdu.TryParse(message, out var apdu, out _) ? apdu.Ne : 0;
                        var response = new byte[ne + 2];
                        response[^2] = 0x90;
                        await VpcdFraming.WriteMessageAsync(stream, response, stop).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is SocketException or IOException)
                {
                }

                try
                {
                    await Task.Delay(200, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}

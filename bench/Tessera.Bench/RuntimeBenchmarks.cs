using System.Diagnostics;
using Tessera.Card;
using Tessera.Iso7816;

namespace Tessera.Bench;

/// <summary>Issue 2 figures: read-only APDU throughput, atomic UPDATE BINARY rate, memory per card.</summary>
internal static class RuntimeBenchmarks
{
    public static void Run(bool quick)
    {
        var seconds = quick ? 0.5 : 3.0;
        Console.WriteLine();
        Console.WriteLine("## secure device runtime");

        using var card = NewCard();
        var select = Hex.Parse("00A4000C020101");
        var read = Hex.Parse("00B0000020");
        var floor = Rate(seconds, () =>
        {
            // Baseline: the unavoidable work around any APDU (parse the command, build a 34-byte response).
            var apdu = CommandApdu.Parse(read);
            var response = new byte[apdu.Ne + 2];
            response[^2] = 0x90;
            GC.KeepAlive(response);
        });
        var readRate = Rate(seconds, () =>
        {
            card.Transmit(CardInterface.Contact, select);
            card.Transmit(CardInterface.Contact, read);
        }) * 2;
        Print("APDU parse + response floor (baseline)", floor, "APDU/s");
        Print("SELECT EF + READ BINARY 32 bytes, in memory", readRate, "APDU/s", $"goal >= 250,000; {readRate / floor:P1} of the floor");

        // Each update writes different bytes (a running counter), so every command really changes NVM.
        var update = new CommandApdu(0x00, 0xD6, 0x00, 0x40, new byte[64]).ToArray();
        long counter = 0;
        byte[] NextUpdate()
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(update.AsSpan(5), ++counter);
            return update;
        }

        var memoryUpdates = Rate(seconds, () => card.Transmit(CardInterface.Contact, NextUpdate()));
        Print("atomic UPDATE BINARY 64 bytes, in memory", memoryUpdates, "cmd/s", "goal >= 25,000");

        var imagePath = Path.Combine(Path.GetTempPath(), $"tessera-bench-{Environment.ProcessId}.tcard");
        try
        {
            using var image = SecureDevice.CreateImage(imagePath, CardProfile.Default with { OpenFileSystem = true });
            Prepare(image);
            var imageUpdates = Rate(seconds, () => image.Transmit(CardInterface.Contact, NextUpdate()));
            Print("atomic UPDATE BINARY 64 bytes, image file", imageUpdates, "cmd/s", $"{imageUpdates / memoryUpdates:F2}x the in-memory rate");
        }
        finally
        {
            File.Delete(imagePath);
        }

        var writesPerUpdate = WritesPerUpdate(NextUpdate());
        Console.WriteLine($"  physical NVM page writes per 64-byte UPDATE BINARY: {writesPerUpdate}");

        var count = quick ? 200 : 1000;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var before = GC.GetTotalMemory(true);
        var cards = new List<SecureDevice>(count);
        for (var i = 0; i < count; i++)
        {
            var d = SecureDevice.Create(CardProfile.Default with { SerialNumber = $"{i:X16}" });
            d.PowerOn();
            cards.Add(d);
        }

        var after = GC.GetTotalMemory(true);
        var perCard = (after - before) / (double)count;
        Print($"managed memory per powered card, 1 MiB NVM ({count} cards)", perCard / (1024 * 1024), "MiB", $"goal <= 1.5 MiB; {perCard / (1024 * 1024):F3}x the NVM size itself");
        foreach (var d in cards)
        {
            d.Dispose();
        }
    }

    private static SecureDevice NewCard()
    {
        var card = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true });
        Prepare(card);
        return card;
    }

    private static void Prepare(SecureDevice card)
    {
        card.PowerOn();
        Expect(card, "00E000000D620B8302010182010180020200");
        Expect(card, "00A4000C020101");
    }

    private static int WritesPerUpdate(byte[] update)
    {
        using var card = NewCard();
        card.Transmit(CardInterface.Contact, Hex.Parse("00A4000C020101"));
        var before = card.PhysicalWritesSincePowerOn;
        card.Transmit(CardInterface.Contact, update);
        return (int)(card.PhysicalWritesSincePowerOn - before);
    }

    private static void Expect(SecureDevice card, string hex)
    {
        var response = card.Transmit(CardInterface.Contact, Hex.Parse(hex));
        if (response[^2] != 0x90)
        {
            throw new InvalidOperationException($"{hex} answered {Convert.ToHexString(response)}");
        }
    }

    private static double Rate(double seconds, Action action)
    {
        for (var i = 0; i < 1000; i++)
        {
            action();
        }

        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (var i = 0; i < 256; i++)
            {
                action();
            }

            n += 256;
        }

        return n / watch.Elapsed.TotalSeconds;
    }

    private static void Print(string what, double value, string unit, string? note = null) =>
        Console.WriteLine($"  {what,-62} {value,14:N1} {unit}{(note is null ? string.Empty : "   (" + note + ")")}");
}

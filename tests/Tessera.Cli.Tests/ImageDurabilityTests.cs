using System.Diagnostics;
using Tessera.Card;
using Tessera.Iso7816;

namespace Tessera.Cli.Tests;

/// <summary>
/// SPEC §1.1: a host process crash is treated like a tear. A child process (<c>tessera card soak</c>) writes to a card
/// image in a loop and is killed at random moments; every time, the image reopens, recovers, and is consistent.
/// </summary>
public sealed class ImageDurabilityTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tessera-image-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void KilledWriterLeavesARecoverableConsistentImage()
    {
        var image = Path.Combine(directory, "soak.tcard");
        using (SecureDevice.CreateImage(image, CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 128 * 1024 }))
        {
        }

        var random = new Random(20261121);
        var distinctValues = new HashSet<byte>();
        for (var kill = 0; kill < 20; kill++)
        {
            var ready = image + ".ready";
            File.Delete(ready);
            using (var child = StartSoak(image, ready))
            {
                var waited = Stopwatch.StartNew();
                while (!File.Exists(ready) && !child.HasExited && waited.Elapsed < TimeSpan.FromSeconds(60))
                {
                    Thread.Sleep(5);
                }

                Assert.True(File.Exists(ready), $"the soak process did not start writing (exited: {child.HasExited})");
                Thread.Sleep(random.Next(5, 120));
                child.Kill(entireProcessTree: true);
                Assert.True(child.WaitForExit(30_000), "the killed soak process did not exit");
            }

            using var device = SecureDevice.OpenImage(image);
            device.PowerOn();
            Send(device, "00A4000C023F00", 0x9000);
            Send(device, "00A4020C020101", 0x9000);
            var content = Send(device, new CommandApdu(0x00, 0xB0, 0, 0, ne: 65536).ToArray(), 0x9000);
            Assert.Equal(2000, content.Length);
            Assert.All(content, b => Assert.Equal(content[0], b));
            distinctValues.Add(content[0]);
            var optional = ResponseApdu.Parse(device.Transmit(CardInterface.Contact, Hex.Parse("00A4000C020202"))).SW;
            Assert.True(optional is 0x9000 or 0x6A82, $"EF 0202 select answered {optional:X4}");
            var dump = device.CanonicalDump();
            device.PowerOff();
            device.PowerOn();
            Assert.Equal(dump, device.CanonicalDump());
        }

        Assert.True(distinctValues.Count > 1, "the writer never got past its first round before being killed");
    }

    private static Process StartSoak(string image, string readyMarker)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "tessera.dll");
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(cli);
        start.ArgumentList.Add("card");
        start.ArgumentList.Add("soak");
        start.ArgumentList.Add(image);
        start.ArgumentList.Add("--ready-file");
        start.ArgumentList.Add(readyMarker);
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the soak process");
    }

    private static byte[] Send(SecureDevice device, string hex, ushort sw) => Send(device, Hex.Parse(hex), sw);

    private static byte[] Send(SecureDevice device, byte[] apdu, ushort sw)
    {
        var response = ResponseApdu.Parse(device.Transmit(CardInterface.Contact, apdu));
        Assert.Equal(sw, response.SW);
        return response.Data.ToArray();
    }
}

using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.Reliability;

/// <summary>
/// Two interfaces and several logical channels driven from several threads at once keep their selections apart and
/// never corrupt NVM: each worker owns one EF, selects it on its own channel once, and then only reads and writes
/// through that selection, checking every read against what it last wrote.
/// </summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void InterfacesAndChannelsHammeredFromThreadsStayApart()
    {
        using var device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 256 * 1024 });
        device.PowerOn(CardInterface.Contact);
        device.PowerOn(CardInterface.Contactless);
        var workers = new List<(CardInterface Interface, int Channel, ushort Fid)>();
        foreach (var cardInterface in new[] { CardInterface.Contact, CardInterface.Contactless })
        {
            for (var channel = 0; channel < 4; channel++)
            {
                var fid = (ushort)(0x0100 + ((int)cardInterface * 0x10) + channel);
                Transmit(device, cardInterface, "00A4000C023F00", 0x9000);
                Transmit(device, cardInterface, Create(EfFcp(fid, 512)), 0x9000);
                if (channel > 0)
                {
                    Assert.Equal(new[] { (byte)channel }, Transmit(device, cardInterface, "0070000001", 0x9000));
                }

                workers.Add((cardInterface, channel, fid));
            }
        }

        var failures = new List<string>();
        Parallel.ForEach(workers, new ParallelOptions { MaxDegreeOfParallelism = workers.Count }, w =>
        {
            try
            {
                var cla = (byte)w.Channel;
                Transmit(device, w.Interface, $"{cla:X2}A4080C02{w.Fid:X4}", 0x9000);
                var random = new Random(w.Fid);
                var expected = new byte[512];
                for (var i = 0; i < 400; i++)
                {
                    var offset = random.Next(0, 400);
                    var data = new byte[random.Next(1, 112)];
                    random.NextBytes(data);
                    data.CopyTo(expected, offset);
                    Transmit(device, w.Interface, new CommandApdu(cla, 0xD6, (byte)(offset >> 8), (byte)offset, data).ToArray(), 0x9000);
                    var read = Transmit(device, w.Interface, new CommandApdu(cla, 0xB0, 0, 0, ne: 512, extended: true).ToArray(), 0x9000);
                    if (!read.AsSpan().SequenceEqual(expected))
                    {
                        lock (failures)
                        {
                            failures.Add($"{w.Interface} channel {w.Channel} EF {w.Fid:X4} read back other data at round {i}");
                        }

                        return;
                    }
                }
            }
            catch (Exception e)
            {
                lock (failures)
                {
                    failures.Add($"{w.Interface} channel {w.Channel}: {e.Message}");
                }
            }
        });
        Assert.Empty(failures);

        var dump = device.CanonicalDump();
        device.PowerOff(CardInterface.Contact);
        device.PowerOff(CardInterface.Contactless);
        Assert.Equal(dump, device.CanonicalDump());
    }

    private static byte[] Transmit(SecureDevice device, CardInterface cardInterface, string hex, ushort sw) =>
        Transmit(device, cardInterface, Hex.Parse(hex), sw);

    private static byte[] Transmit(SecureDevice device, CardInterface cardInterface, byte[] apdu, ushort sw)
    {
        var response = ResponseApdu.Parse(device.Transmit(cardInterface, apdu));
        if (response.SW != sw)
        {
            throw new InvalidOperationException($"{Convert.ToHexString(apdu)} answered {response.SW:X4}, expected {sw:X4}");
        }

        return response.Data.ToArray();
    }
}

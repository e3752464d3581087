using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.Reliability;

/// <summary>
/// 100,000 random and mutated APDUs: the card always answers a status word, never throws or hangs, commands that
/// fail change nothing, and the RAM view of the card always equals what is in NVM (checked by power cycles).
/// </summary>
public sealed class BadInputTests
{
    private static readonly string[] Seeds =
    [
        "00A4000C023F00", "00A4000000", "00A4080C0410001001", "00A4040010544553534552412E49535355414E4345",
        "00B0000010", "00B1000003540100 00", "00D6000004DEADBEEF", "00D7000008540100530301 0203",
        Create(EfFcp(0x1001, 300)), Create(DfFcp(0x1000, "F05445535301")), "00E40000021001", "00E4000000",
        "0070000001", "00708001", "00C0000010", "0084000008", "80CADF5200", "01A4000C023F00",
    ];

    [Fact]
    public void RandomAndMutatedApdusNeverBreakTheCard()
    {
        using var device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 128 * 1024 });
        device.PowerOn();
        Transmit(device, Create(DfFcp(0x1000, "F05445535301")));
        Transmit(device, Create(EfFcp(0x1001, 300)));
        var random = new Random(7816);
        var seeds = Seeds.Select(s => Hex.Parse(s)).ToArray();
        for (var i = 0; i < 100_000; i++)
        {
            var apdu = i % 3 == 0 ? RandomApdu(random) : Mutate(seeds[random.Next(seeds.Length)], random);
            var check = i % 2000 == 0;
            var before = check ? device.CanonicalDump() : null;
            var response = Transmit(device, apdu);
            Assert.True(response.Length >= 2, $"APDU {Convert.ToHexString(apdu)} got {response.Length} bytes");
            var sw = (ushort)((response[^2] << 8) | response[^1]);
            Assert.True(sw >> 8 is 0x61 or 0x62 or 0x63 or 0x67 or 0x68 or 0x69 or 0x6A or 0x6B or 0x6C or 0x6D or 0x6E or 0x6F or 0x90, $"{Convert.ToHexString(apdu)} -> {sw:X4}");
            Assert.True(sw != 0x6F00, $"{Convert.ToHexString(apdu)} hit an internal error: {string.Join("; ", device.Events.Snapshot().Where(e => e.Kind == CardEventKind.InternalError))}");
            if (check && sw >> 8 is not (0x90 or 0x61 or 0x62 or 0x63))
            {
                Assert.Equal(before, device.CanonicalDump());
            }

            if (i % 10_000 == 9_999)
            {
                var dump = device.CanonicalDump();
                device.PowerOff();
                device.PowerOn();
                Assert.Equal(dump, device.CanonicalDump());
            }
        }
    }

    private static byte[] Transmit(SecureDevice device, string hex) => Transmit(device, Hex.Parse(hex));

    private static byte[] Transmit(SecureDevice device, byte[] apdu) => device.Transmit(CardInterface.Contact, apdu);

    private static byte[] RandomApdu(Random random)
    {
        var length = random.Next(4) switch
        {
            0 => random.Next(0, 8),
            1 => random.Next(4, 40),
            2 => random.Next(4, 300),
            _ => random.Next(4, 70_000),
        };
        var bytes = new byte[length];
        random.NextBytes(bytes);
        if (length > 1 && random.Next(2) == 0)
        {
            bytes[0] = (byte)random.Next(0, 4);
            bytes[1] = new byte[] { 0xA4, 0xB0, 0xB1, 0xD6, 0xD7, 0xE0, 0xE4, 0x70, 0xC0, 0x84, 0xCA }[random.Next(11)];
        }

        return bytes;
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var bytes = seed.ToList();
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            switch (random.Next(5))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                    break;
                default:
                    bytes.AddRange(Enumerable.Repeat((byte)0, random.Next(0, 3)));
                    break;
            }
        }

        return bytes.ToArray();
    }
}

using Tessera.Iso7816;

namespace Tessera.Card.Tests;

/// <summary>A card driven through bytes only, the way an outside client sees it.</summary>
internal sealed class TestCard : IDisposable
{
    public TestCard(CardProfile? profile = null, bool openFileSystem = true, int capacity = 256 * 1024)
    {
        Device = SecureDevice.Create((profile ?? CardProfile.Default) with { OpenFileSystem = openFileSystem, NvmCapacity = capacity });
        Device.PowerOn();
    }

    public TestCard(SecureDevice device)
    {
        Device = device;
    }

    public SecureDevice Device { get; }

    public CardInterface Interface { get; set; } = CardInterface.Contact;

    /// <summary>Sends hex, returns the response; spaces in the hex are ignored.</summary>
    public ResponseApdu Send(string hex) => ResponseApdu.Parse(Device.Transmit(Interface, Hex.Parse(hex)));

    public ResponseApdu Send(CommandApdu apdu) => ResponseApdu.Parse(Device.Transmit(Interface, apdu.ToArray()));

    /// <summary>Sends and asserts the status word.</summary>
    public byte[] Expect(string hex, ushort sw)
    {
        var response = Send(hex);
        Assert.True(response.SW == sw, $"{hex}: expected {sw:X4}, got {response.SW:X4}");
        return response.Data.ToArray();
    }

    public byte[] Expect(CommandApdu apdu, ushort sw)
    {
        var response = Send(apdu);
        Assert.True(response.SW == sw, $"{apdu}: expected {sw:X4}, got {response.SW:X4}");
        return response.Data.ToArray();
    }

    public uint PhysicalWrites()
    {
        var data = Expect("80CADF5200", 0x9000);
        Assert.Equal(new byte[] { 0xDF, 0x52, 0x04 }, data[..3]);
        return (uint)((data[3] << 24) | (data[4] << 16) | (data[5] << 8) | data[6]);
    }

    public void Dispose() => Device.Dispose();

    /// <summary>FCP template for CREATE FILE of a transparent EF (SPEC §2), built byte by byte.</summary>
    public static string EfFcp(ushort fid, int size, byte? flags = null, byte? read = null, byte? update = null, byte? delete = null)
    {
        var body = $"8302{fid:X4}820101" + (size <= 0xFFFF ? $"8002{size:X4}" : $"8004{size:X8}") + Proprietary(flags, read, update, delete, null);
        return $"62{body.Length / 2:X2}{body}";
    }

    /// <summary>FCP template for CREATE FILE of a DF.</summary>
    public static string DfFcp(ushort fid, string? nameHex = null, byte? create = null, byte? delete = null)
    {
        var body = $"8302{fid:X4}820138" + (nameHex is null ? string.Empty : $"84{nameHex.Length / 2:X2}{nameHex}") + Proprietary(null, null, null, delete, create);
        return $"62{body.Length / 2:X2}{body}";
    }

    public static string Create(string fcp) => $"00E00000{fcp.Length / 2:X2}{fcp}";

    private static string Proprietary(byte? flags, byte? read, byte? update, byte? delete, byte? create)
    {
        var inner = (flags is { } f ? $"C001{f:X2}" : string.Empty)
            + (read is { } r ? $"C101{r:X2}" : string.Empty)
            + (update is { } u ? $"C201{u:X2}" : string.Empty)
            + (delete is { } d ? $"C301{d:X2}" : string.Empty)
            + (create is { } c ? $"C401{c:X2}" : string.Empty);
        return inner.Length == 0 ? string.Empty : $"A5{inner.Length / 2:X2}{inner}";
    }
}

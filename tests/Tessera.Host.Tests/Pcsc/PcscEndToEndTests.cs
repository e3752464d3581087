using System.Diagnostics;
using Tessera.Card;
using Tessera.Card.Attachments;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// A Tessera card attached to the system's pcscd through vpcd, driven by Tessera's PC/SC host transport and by
/// independent PC/SC clients (OpenSC's opensc-tool, pyscard).
/// </summary>
[Collection(PcscCollection.Name)]
public sealed class PcscEndToEndTests(PcscCardFixture fixture)
{
    private SecureDevice device => fixture.Device;

    private void Attach(CardInterface cardInterface, int slot) => fixture.Attach(cardInterface, slot);

    [SkippableFact]
    public void HostTransportDrivesTheCardThroughPcscd()
    {
        PcscEnvironment.RequireVpcdReaders();
        Attach(CardInterface.Contact, 0);
        using var reader = new PcscConnection(PcscEnvironment.Reader0);
        Assert.Equal(device.Atr, reader.PowerOn());
        var card = new ApduTransmitter(reader);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00A4000C023F00"))).SW);
        Assert.Equal(0x9000, card.Transmit(CommandApdu.Parse(Hex.Parse("00E000000D620B8302010182010180020FA0"))).SW);
        var content = Enumerable.Range(0, 4000).Select(i => (byte)(i * 3)).ToArray();
        Assert.Equal(0x9000, card.Transmit(new CommandApdu(0x00, 0xD6, 0, 0, content, extended: true)).SW);
        var read = card.Transmit(new CommandApdu(0x00, 0xB0, 0, 0, ne: 65536));
        Assert.Equal(content, read.Data.ToArray());
        // 61XX chaining through GET RESPONSE with short APDUs
        var fcp = card.Transmit(CommandApdu.Parse(Hex.Parse("00A40000023F0004")));
        Assert.Equal(0x9000, fcp.SW);
        Assert.Equal(0x62, fcp.Data.Span[0]);
    }

    [SkippableFact]
    public void PcscdReportsTheCardWithoutAConnection()
    {
        PcscEnvironment.RequireVpcdReaders();
        Attach(CardInterface.Contact, 0);
        using var context = PcscContext.Establish();
        var idle = context.GetReaderState(PcscEnvironment.Reader0);
        Assert.True(idle.CardPresent);
        Assert.False(idle.Mute);
        Assert.Equal(device.Atr, idle.Atr);
        using var reader = new PcscConnection(PcscEnvironment.Reader0);
        reader.PowerOn();
        Assert.True(context.GetReaderState(PcscEnvironment.Reader0).InUse);
    }

    [SkippableFact]
    public void DualInterfaceSlotsReachTheSameCard()
    {
        PcscEnvironment.RequireVpcdReaders();
        Attach(CardInterface.Contact, 0);
        Attach(CardInterface.Contactless, 1);
        using var contact = new PcscConnection(PcscEnvironment.Reader0);
        using var contactless = new PcscConnection(PcscEnvironment.Reader1);
        contact.PowerOn();
        contactless.PowerOn();
        Assert.Equal(Hex.Parse("9000"), contact.Transmit(Hex.Parse("00E000000D620B8302020182010180020004")));
        Assert.Equal(Hex.Parse("9000"), contact.Transmit(Hex.Parse("00D6000004C0FFEE00")));
        Assert.Equal(Hex.Parse("9000"), contactless.Transmit(Hex.Parse("00A4000C020201")));
        Assert.Equal(Hex.Parse("C0FFEE009000"), contactless.Transmit(Hex.Parse("00B0000004")));
        Assert.True(device.IsPowered(CardInterface.Contact) && device.IsPowered(CardInterface.Contactless));
    }

    [SkippableFact]
    public void OpenscToolSeesTheAtrAndTheCard()
    {
        PcscEnvironment.RequireVpcdReaders();
        Attach(CardInterface.Contact, 0);
        var atr = Run("opensc-tool", "-r", "0", "-a");
        Assert.Contains("3b:89:80:01:80:57:54:45:53:53:45:52:41:98", atr, StringComparison.OrdinalIgnoreCase);
        var output = Run("opensc-tool", "-r", "0", "-s", "00 A4 00 0C 02 3F 00", "-s", "80 CA DF 52 00");
        Assert.Contains("SW1=0x90, SW2=0x00", output, StringComparison.Ordinal);
        Assert.Contains("DF 52 04", output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void PyscardClientUsesExtendedApdusChainingAndChannels()
    {
        PcscEnvironment.RequireVpcdReaders();
        Attach(CardInterface.Contact, 0);
        const string script = """
            from smartcard.System import readers
            r = [x for x in readers() if str(x) == 'Virtual PCD 00 00'][0]
            c = r.createConnection(); c.connect()
            def tx(apdu):
                d, s1, s2 = c.transmit(apdu); return bytes(d), (s1 << 8) | s2
            assert tx([0x00,0xE0,0,0,0x0D,0x62,0x0B,0x83,0x02,0x04,0x01,0x82,0x01,0x01,0x80,0x02,0x02,0x00])[1] in (0x9000, 0x6A89)
            data = bytes(range(256)) * 2
            assert tx([0x00,0xD6,0,0,0x00,0x02,0x00] + list(data))[1] == 0x9000
            d, sw = tx([0x00,0xB0,0,0,0x00,0x02,0x00])
            assert sw == 0x9000 and d == data, (hex(sw), len(d))
            d, sw = tx([0x00,0xA4,0x00,0x00,0x02,0x04,0x01,0x04])
            assert sw >> 8 == 0x61, hex(sw)
            rest, sw = tx([0x00,0xC0,0,0,sw & 0xFF])
            assert sw == 0x9000 and (d + rest)[0] == 0x62
            d, sw = tx([0x00,0x70,0,0,0x01])
            assert sw == 0x9000 and len(d) == 1, hex(sw)
            ch = d[0]
            assert tx([ch,0xA4,0x00,0x0C,0x02,0x3F,0x00])[1] == 0x9000
            assert tx([ch,0xB0,0,0,0x04])[1] == 0x6986
            assert tx([0x00,0x70,0x80,ch])[1] == 0x9000
            assert tx([0x00,0xB0,0,0,0x04])[0] == data[:4]
            print('pyscard ok')
            """;
        Assert.Contains("pyscard ok", Run("/usr/bin/python3", "-c", script), StringComparison.Ordinal);
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), $"{program} did not finish");
        var output = stdout.Result + stderr.Result;
        Assert.True(process.ExitCode == 0, $"{program} exited {process.ExitCode}: {output}");
        return output;
    }
}

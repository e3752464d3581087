using Tessera.Card;
using Tessera.Host.Link;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Link;

/// <summary>The link model: modelled time from the profile's arithmetic, byte counts, and cuts.</summary>
public sealed class LinkedConnectionTests : IDisposable
{
    private readonly SecureDevice device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 64 * 1024 });

    public void Dispose() => device.Dispose();

    [Fact]
    public void ModelledTimeIsLatencyPlusBitsOverBandwidthPerDirection()
    {
        var profile = new LinkProfile { Name = "test", OneWayLatency = TimeSpan.FromMilliseconds(10), BitsPerSecond = 8_000, BitsPerByte = 10, OverheadBytesPerMessage = 2 };
        using var link = new LinkedConnection(new InProcessConnection(device), profile);
        link.PowerOn();
        var afterPowerOn = link.Clock.Elapsed;
        // 2 × (10 ms + 2 overhead bytes × 10 bits / 8000 bit/s) = 2 × 12.5 ms
        Assert.Equal(TimeSpan.FromMilliseconds(25), afterPowerOn);
        var response = link.Transmit(Hex.Parse("00A4000C023F00"));
        Assert.Equal(Hex.Parse("9000"), response);
        // command: 10 ms + (7 + 2) × 10 / 8000 s = 21.25 ms; response: 10 ms + (2 + 2) × 10 / 8000 s = 15 ms
        Assert.Equal(TimeSpan.FromMilliseconds(25 + 21.25 + 15), link.Clock.Elapsed);
        var stats = link.Statistics;
        Assert.Equal(1, stats.Exchanges);
        Assert.Equal(7, stats.BytesToCard);
        Assert.Equal(2, stats.BytesFromCard);
    }

    [Fact]
    public void BuiltInProfilesMatchTheirDefinitions()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(150), LinkProfile.Mobile.MessageTime(0) * 2);
        // 1 Mbit/s: 125,000 bytes take one second
        Assert.Equal(TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(75), LinkProfile.Mobile.MessageTime(125_000));
        Assert.Equal(TimeSpan.Zero, LinkProfile.Local.MessageTime(65_000));
        Assert.Same(LinkProfile.Nfc, LinkProfile.Named("NFC"));
        Assert.Throws<ArgumentException>(() => LinkProfile.Named("carrier-pigeon"));
    }

    [Fact]
    public void CutAfterExchangesDeliversTheCommandButLosesTheAnswer()
    {
        using var link = new LinkedConnection(new InProcessConnection(device), LinkProfile.Local with { CutAfterExchanges = 2 });
        link.PowerOn();
        link.Transmit(Hex.Parse("00E000000D620B8302010182010180020004"));
        var cut = Assert.Throws<CardConnectionException>(() => link.Transmit(Hex.Parse("00D6000004CAFEBABE")));
        Assert.Equal(ConnectionFailure.LinkCut, cut.Failure);
        Assert.True(link.IsCut);
        Assert.Throws<CardConnectionException>(() => link.Transmit(Hex.Parse("00B0000004")));
        link.Restore();
        // the update reached the card before the answer was lost
        Assert.Equal(Hex.Parse("CAFEBABE9000"), link.Transmit(Hex.Parse("00B0000004")));
    }

    [Fact]
    public void CutAfterBytes()
    {
        using var link = new LinkedConnection(new InProcessConnection(device), LinkProfile.Local with { CutAfterBytes = 15 });
        link.PowerOn();
        link.Transmit(Hex.Parse("00A4000C023F00"));
        Assert.Throws<CardConnectionException>(() => link.Transmit(Hex.Parse("00A4000C023F00")));
    }

    [Fact]
    public void TransmitterFollows61XxAnd6CXx()
    {
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var transmitter = new ApduTransmitter(connection);
        var exchanges = new List<string>();
        transmitter.Exchanged += (c, r) => exchanges.Add($"{Convert.ToHexString(c)}>{Convert.ToHexString(r)}");
        var fcp = transmitter.Transmit(CommandApdu.Parse(Hex.Parse("00A4000000")));
        Assert.Equal(0x9000, fcp.SW);
        var whole = fcp.Data.ToArray();
        exchanges.Clear();
        var chained = transmitter.Transmit(CommandApdu.Parse(Hex.Parse("00A400000200003F00".Replace("00003F00", "3F0004", StringComparison.Ordinal))));
        Assert.Equal(whole, chained.Data.ToArray());
        Assert.Equal(0x9000, chained.SW);
        Assert.Equal(2, exchanges.Count);
        Assert.EndsWith($"61{whole.Length - 4:X2}", exchanges[0], StringComparison.Ordinal);
        Assert.StartsWith($"00C00000{whole.Length - 4:X2}", exchanges[1], StringComparison.Ordinal);

        exchanges.Clear();
        var wrongLe = transmitter.Transmit(CommandApdu.Parse(Hex.Parse("80CADF5202")));
        Assert.Equal(7, wrongLe.Data.Length);
        Assert.Equal(new[] { "80CADF5202>6C07" }, exchanges.Take(1));
        Assert.StartsWith("80CADF5207>DF5204", exchanges[1], StringComparison.Ordinal);
    }
}

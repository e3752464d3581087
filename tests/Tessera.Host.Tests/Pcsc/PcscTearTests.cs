using Tessera.Card;
using Tessera.Host.Pcsc;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// A tear armed on the served card (SPEC §7) cuts a flow that runs over pcscd: the host sees the card stop answering
/// (vpcd reports the command in flight as an empty response, later ones as SCARD_E_NOT_TRANSACTED), powers it on again
/// through pcscd, and finds it recovered.
/// </summary>
[Collection(PcscCollection.Name)]
public sealed class PcscTearTests(PcscCardFixture fixture)
{
    private const int Size = 600;
    private static readonly byte[] OldContent = [.. Enumerable.Range(0, Size).Select(i => (byte)(i * 7))];
    private static readonly byte[] NewContent = [.. Enumerable.Range(0, Size).Select(i => (byte)(0xFF - i))];
    private static readonly byte[] LaterContent = [.. Enumerable.Range(0, Size).Select(i => (byte)(i ^ 0x5A))];

    [SkippableFact]
    public void TornUpdateOverPcscLeavesOldOrNewContentAndTheCardWorksAfterPowerOn()
    {
        PcscEnvironment.RequireVpcdReaders();
        var device = fixture.Device;
        fixture.Attach(CardInterface.Contact, 0);

        // Only the contact interface powered: its power-on below is the chip's, from which the armed write counts.
        fixture.PowerOff(CardInterface.Contactless, 1);
        using var reader = new PcscConnection(PcscEnvironment.Reader0);
        reader.PowerOn();
        var card = new ApduTransmitter(reader);
        Ok(card, "00E000000D620B8302070182010180020258"); // EF 0701, 600 bytes
        Ok(card, "00A4000C020701");
        Ok(card, Update(OldContent));

        // The physical NVM writes that the UPDATE BINARY spans, counted from power-on (GET DATA DF52).
        reader.PowerOn();
        Ok(card, "00A4000C020701");
        var before = PhysicalWrites(card);
        Ok(card, Update(NewContent));
        var after = PhysicalWrites(card);
        Assert.True(after - before >= 3, $"the update spans writes {before + 1}..{after} only");
        Ok(card, Update(OldContent));

        // Tear in the middle of that span, after the next power-on.
        var tearAt = before + ((after - before + 1) / 2);
        device.ArmTearAtWrite(tearAt);
        reader.PowerOn();
        Ok(card, "00A4000C020701");
        Assert.Equal(before, PhysicalWrites(card));
        var cut = Assert.Throws<CardConnectionException>(() => card.Transmit(Update(NewContent)));
        Assert.Equal(ConnectionFailure.CardMute, cut.Failure);
        Assert.Contains(device.Events.Snapshot(), e => e.Kind == CardEventKind.Tear && e.Detail.EndsWith($"write {tearAt}", StringComparison.Ordinal));

        // It stays mute until the reader powers it on again.
        var mute = Assert.Throws<CardConnectionException>(() => card.Transmit(CommandApdu.Parse(Hex.Parse("00A4000C020701"))));
        Assert.Equal(ConnectionFailure.CardMute, mute.Failure);

        // Power on through pcscd: the card recovers; the torn update left the old content or the new one, wholly.
        Assert.Equal(device.Atr, reader.PowerOn());
        Ok(card, "00A4000C020701");
        var content = Read(card);
        Assert.True(content.SequenceEqual(OldContent) || content.SequenceEqual(NewContent), $"torn content: {Convert.ToHexString(content)}");

        // And it works on: an update, a read, a fresh write count.
        Ok(card, Update(LaterContent));
        Assert.Equal(LaterContent, Read(card));
        reader.PowerOn();
        Ok(card, "00A4000C020701");
        Assert.Equal(LaterContent, Read(card));
        Assert.Equal(0u, PhysicalWrites(card));
    }

    private static CommandApdu Update(byte[] content) => new(0x00, 0xD6, 0, 0, content, extended: true);

    private static byte[] Read(ApduTransmitter card)
    {
        var read = card.Transmit(new CommandApdu(0x00, 0xB0, 0, 0, ne: Size));
        Assert.Equal(0x9000, read.SW);
        return read.Data.ToArray();
    }

    private static uint PhysicalWrites(ApduTransmitter card)
    {
        var data = card.Transmit(CommandApdu.Parse(Hex.Parse("80CADF5200")));
        Assert.Equal(0x9000, data.SW);
        var bytes = data.Data.Span;
        Assert.Equal(Hex.Parse("DF5204"), bytes[..3].ToArray());
        return (uint)((bytes[3] << 24) | (bytes[4] << 16) | (bytes[5] << 8) | bytes[6]);
    }

    private static void Ok(ApduTransmitter card, string hex) => Ok(card, CommandApdu.Parse(Hex.Parse(hex)));

    private static void Ok(ApduTransmitter card, CommandApdu command)
    {
        var response = card.Transmit(command);
        Assert.True(response.SW == 0x9000, $"{command} answered {response.SW:X4}");
    }
}

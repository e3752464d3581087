using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>MANAGE CHANNEL (GPCS 2.3.1 §11.7): open <c>00 70 00 00 01</c>, close <c>00 70 80 ch</c>.</summary>
public static class ManageChannelCommand
{
    public const byte Ins = 0x70;

    /// <summary>Opens the next free channel; the answer is one byte, the channel number.</summary>
    public static CommandApdu Open() => new(0x00, Ins, 0x00, 0x00, ne: 1);

    public static CommandApdu Close(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channel, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 19);
        return new CommandApdu(0x00, Ins, 0x80, (byte)channel);
    }

    public static int ParseOpened(ReadOnlySpan<byte> response) =>
        response.Length == 1 && response[0] is >= 1 and <= 19
            ? response[0]
            : throw new FormatException($"MANAGE CHANNEL answered '{Convert.ToHexString(response)}', not a channel number 01-13");
}

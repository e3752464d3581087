namespace Tessera.Crypto.Internal;

/// <summary>
/// CLA byte rules for secure messaging (ISO/IEC 7816-4 and GP Card Specification Tables 11-11/11-12).
/// First interindustry coding (<c>b7 = 0</c>): channel 0–3 in b2b1, GP secure messaging is b4b3 = <c>01</c>.
/// Further interindustry coding (<c>b7 = 1</c>): channel 4–19 as b4..b1 + 4, secure messaging is b6.
/// </summary>
internal static class ClassByte
{
    public static bool IsFurtherInterindustry(byte cla) => (cla & 0x40) != 0;

    public static int LogicalChannel(byte cla) => IsFurtherInterindustry(cla) ? 4 + (cla & 0x0F) : cla & 0x03;

    public static bool HasSecureMessaging(byte cla) =>
        IsFurtherInterindustry(cla) ? (cla & 0x20) != 0 : (cla & 0x0C) == 0x04;

    public static byte WithSecureMessaging(byte cla) =>
        IsFurtherInterindustry(cla) ? (byte)(cla | 0x20) : (byte)((cla & ~0x0C) | 0x04);

    public static byte WithoutSecureMessaging(byte cla) =>
        IsFurtherInterindustry(cla) ? (byte)(cla & ~0x20) : (byte)(cla & ~0x0C);

    /// <summary>
    /// The CLA that goes into the C-MAC input (Amendment D §6.2.4): logical channel number set to zero,
    /// b4 = 0 and b3 = 1. A further-interindustry CLA (channels 4–19) is first brought to the first
    /// interindustry form with channel 0, keeping b8 (proprietary class) and b5 (command chaining):
    /// <c>E1</c> and <c>81</c> both become <c>84</c>, <c>61</c> and <c>01</c> both become <c>04</c>.
    /// </summary>
    public static byte ForMac(byte cla) =>
        IsFurtherInterindustry(cla) ? (byte)((cla & 0x90) | 0x04) : (byte)((cla & 0xF0) | 0x04);

    /// <summary>A GP proprietary CLA (<c>80</c> family) for <paramref name="channel"/> 0–19, without secure messaging.</summary>
    public static byte Proprietary(int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 19);
        return channel < 4 ? (byte)(0x80 | channel) : (byte)(0xC0 | (channel - 4));
    }
}

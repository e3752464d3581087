namespace Tessera.Iso7816;

/// <summary>
/// Decoding of the CLA byte (ISO/IEC 7816-4 §5.4.1): first interindustry values <c>000x xxxx</c> (and the
/// GlobalPlatform <c>100x xxxx</c>) address channels 0-3, further interindustry values <c>01xx xxxx</c> (GP
/// <c>11xx xxxx</c>) channels 4-19.
/// </summary>
public static class ClassByte
{
    /// <summary>CLA FF is invalid (reserved for PPS) and <c>001x xxxx</c> is reserved for future use.</summary>
    public static bool IsValid(byte cla) => cla != 0xFF && (cla & 0xE0) != 0x20;

    /// <summary>True for proprietary classes (b8 = 1), which GlobalPlatform uses.</summary>
    public static bool IsProprietary(byte cla) => (cla & 0x80) != 0;

    /// <summary>True when CLA uses the further interindustry coding (channels 4-19).</summary>
    public static bool IsFurther(byte cla) => (cla & 0x40) != 0;

    public static int Channel(byte cla) => IsFurther(cla) ? 4 + (cla & 0x0F) : cla & 0x03;

    public static bool IsChained(byte cla) => (cla & 0x10) != 0;

    /// <summary>Secure messaging indicated (b4-b3 ≠ 00 in the first coding, b6 in the further coding).</summary>
    public static bool HasSecureMessaging(byte cla) => IsFurther(cla) ? (cla & 0x20) != 0 : (cla & 0x0C) != 0;

    /// <summary>
    /// The CLA with its channel bits set to <paramref name="channel"/>, keeping class, chaining and SM. Between the
    /// two codings SM maps as GlobalPlatform does: further-coding b6 ↔ first-coding b4-b3 = <c>01</c>. Throws
    /// <see cref="ArgumentException"/> when the result would be the invalid CLA <c>FF</c>.
    /// </summary>
    public static byte WithChannel(byte cla, int channel)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(channel);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(channel, 19);
        var proprietary = (byte)(cla & 0x80);
        var chained = IsChained(cla);
        var sm = HasSecureMessaging(cla);
        if (channel < 4)
        {
            return IsFurther(cla)
                ? (byte)(proprietary | (chained ? 0x10 : 0) | (sm ? 0x04 : 0x00) | channel)
                : (byte)((cla & 0xFC) | channel);
        }

        var result = (byte)(proprietary | 0x40 | (sm ? 0x20 : 0) | (chained ? 0x10 : 0) | (channel - 4));
        return result != 0xFF
            ? result
            : throw new ArgumentException("proprietary class with SM and chaining on channel 19 would be CLA FF, which is invalid", nameof(channel));
    }

    /// <summary>
    /// The CLA with secure messaging indicated (GP: b4-b3 = <c>01</c> in the first coding, b6 in the further coding).
    /// Throws <see cref="ArgumentException"/> when the result would be the invalid CLA <c>FF</c>.
    /// </summary>
    public static byte WithSecureMessaging(byte cla)
    {
        var result = IsFurther(cla) ? (byte)(cla | 0x20) : (byte)((cla & ~0x0C) | 0x04);
        return result != 0xFF
            ? result
            : throw new ArgumentException("secure messaging on CLA DF would give CLA FF, which is invalid", nameof(cla));
    }

    /// <summary>The CLA without secure messaging indication (b4-b3 = 00 in the first coding, b6 = 0 in the further coding).</summary>
    public static byte WithoutSecureMessaging(byte cla) => IsFurther(cla) ? (byte)(cla & ~0x20) : (byte)(cla & ~0x0C);

    /// <summary>The CLA with the command chaining bit b5 set or cleared.</summary>
    public static byte WithChaining(byte cla, bool chained)
    {
        var result = chained ? (byte)(cla | 0x10) : (byte)(cla & ~0x10);
        return result != 0xFF
            ? result
            : throw new ArgumentException("chaining on CLA EF would give CLA FF, which is invalid", nameof(cla));
    }
}

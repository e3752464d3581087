using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>The three privilege bytes of GPCS 2.3.1 Tables 11-7…11-9 (INSTALL, GET STATUS tag <c>C5</c>).</summary>
public readonly record struct Privileges(byte Byte1, byte Byte2, byte Byte3)
{
    public static Privileges None { get; } = default;

    public static Privileges SecurityDomain { get; } = new(0x80, 0, 0);

    public static Privileges CardLock { get; } = new(0x10, 0, 0);

    public static Privileges CardTerminate { get; } = new(0x08, 0, 0);

    public static Privileges CardReset { get; } = new(0x04, 0, 0);

    public static Privileges CvmManagement { get; } = new(0x02, 0, 0);

    public static Privileges AuthorizedManagement { get; } = new(0, 0x40, 0);

    public static Privileges FinalApplication { get; } = new(0, 0x02, 0);

    public static Privileges GlobalService { get; } = new(0, 0x01, 0);

    /// <summary>Parses 1 or 3 bytes of hex ("00", "9EFE80").</summary>
    public static Privileges Parse(string hex) => FromBytes(Hex.Parse(hex));

    /// <summary>1 byte (GP 2.1.1 style, the others 00) or 3 bytes.</summary>
    public static Privileges FromBytes(ReadOnlySpan<byte> bytes) => bytes.Length switch
    {
        0 => None,
        1 => new Privileges(bytes[0], 0, 0),
        3 => new Privileges(bytes[0], bytes[1], bytes[2]),
        _ => throw new FormatException($"privileges are 1 or 3 bytes, not {bytes.Length}"),
    };

    public bool Has(Privileges privilege) =>
        (Byte1 & privilege.Byte1) == privilege.Byte1 && (Byte2 & privilege.Byte2) == privilege.Byte2 && (Byte3 & privilege.Byte3) == privilege.Byte3;

    public static Privileges operator |(Privileges a, Privileges b) => new((byte)(a.Byte1 | b.Byte1), (byte)(a.Byte2 | b.Byte2), (byte)(a.Byte3 | b.Byte3));

    public byte[] ToArray() => [Byte1, Byte2, Byte3];

    public override string ToString() => Convert.ToHexString(ToArray());
}

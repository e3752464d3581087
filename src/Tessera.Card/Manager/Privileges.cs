namespace Tessera.Card.Manager;

/// <summary>GlobalPlatform privileges (GPCS 2.3.1 Tables 11-7 to 11-9), 3 bytes.</summary>
public static class Privileges
{
    /// <summary>Byte 1 b8: Security Domain.</summary>
    public const byte SecurityDomain = 0x80;

    /// <summary>The ISD's privileges: SD, card lock, card terminate, card reset, CVM management; byte 2 all but trusted path; receipt generation.</summary>
    public static readonly byte[] Isd = [0x9E, 0xFE, 0x80];

    /// <summary>A 1-byte privileges field expanded to 3 bytes; a 3-byte one copied; anything else null.</summary>
    public static byte[]? Normalize(ReadOnlySpan<byte> field) => field.Length switch
    {
        1 => [field[0], 0x00, 0x00],
        3 => field.ToArray(),
        _ => null,
    };
}

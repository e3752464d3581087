namespace Tessera.Applets.Ticket;

/// <summary>The ticket's persistent store keys, personalisation DGIs and READ TICKET tags.</summary>
internal static class TicketKeys
{
    public const ushort Event = 0x0010;
    public const ushort Seat = 0x0011;
    public const ushort Holder = 0x0012;
    public const ushort ValidUntil = 0x0013;
    public const ushort IssuerKey = 0x0014;
    public const ushort UpdateCounter = 0x0015;
    public const ushort Status = 0x0016;

    /// <summary>DGI 0201: event (1..32 bytes). Required.</summary>
    public const ushort DgiEvent = 0x0201;

    /// <summary>DGI 0202: seat (1..16 bytes). Required.</summary>
    public const ushort DgiSeat = 0x0202;

    /// <summary>DGI 0203: holder name (0..32 bytes). Optional.</summary>
    public const ushort DgiHolder = 0x0203;

    /// <summary>DGI 0204: valid until, 4 bytes (YYYYMMDD in BCD). Optional.</summary>
    public const ushort DgiValidUntil = 0x0204;

    /// <summary>DGI 8201: the issuer key, AES-128/192/256. Required.</summary>
    public const ushort DgiIssuerKey = 0x8201;

    public const int MaxEvent = 32;
    public const int MaxSeat = 16;
    public const int MaxHolder = 32;
}

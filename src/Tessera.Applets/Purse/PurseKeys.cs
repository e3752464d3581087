namespace Tessera.Applets.Purse;

/// <summary>The purse's persistent store keys and personalisation DGIs.</summary>
internal static class PurseKeys
{
    public const ushort Balance = 0x0002;
    public const ushort MaxBalance = 0x0003;
    public const ushort CreditKey = 0x0004;
    public const ushort CreditCounter = 0x0005;
    public const ushort Log = 0x0006;
    public const ushort Atc = 0x0007;

    /// <summary>DGI 0101: max balance (u32) ‖ log capacity (u8, 1..50). Required.</summary>
    public const ushort DgiParameters = 0x0101;

    /// <summary>DGI 0102: initial balance (u32, at most the max balance). Optional, default 0.</summary>
    public const ushort DgiInitialBalance = 0x0102;

    /// <summary>DGI 8101: the issuer credit key, AES-128/192/256. Required.</summary>
    public const ushort DgiCreditKey = 0x8101;
}

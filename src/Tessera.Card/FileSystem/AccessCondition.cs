namespace Tessera.Card.FileSystem;

/// <summary>
/// An access condition byte of SPEC §2: <c>00</c> always, <c>FF</c> never, <c>1k</c> key k of the current DF verified,
/// <c>2k</c> key k of the current DF authenticated, <c>30</c> an ISD secure channel at security level AUTHENTICATED or
/// higher on this logical channel.
/// </summary>
public readonly record struct AccessCondition(byte Value)
{
    public static readonly AccessCondition Always = new(0x00);
    public static readonly AccessCondition Never = new(0xFF);
    public static readonly AccessCondition IsdSecureChannel = new(0x30);

    public static bool IsDefined(byte value) => value is 0x00 or 0xFF or 0x30 || (value >> 4 is 1 or 2 && (value & 0x0F) != 0);

    /// <summary>Whether the condition holds in <paramref name="security"/>, for a file whose DF is <paramref name="df"/>.</summary>
    public bool IsSatisfied(ISecurityStatus security, CardFile df) => Value switch
    {
        0x00 => true,
        0xFF => false,
        0x30 => security.IsdSecureChannelAuthenticated,
        _ when Value >> 4 == 1 => security.IsKeyVerified(df, Value & 0x0F),
        _ when Value >> 4 == 2 => security.IsKeyAuthenticated(df, Value & 0x0F),
        _ => false,
    };

    public override string ToString() => Value switch
    {
        0x00 => "always",
        0xFF => "never",
        0x30 => "ISD secure channel",
        _ when Value >> 4 == 1 => $"key {Value & 0x0F} verified",
        _ when Value >> 4 == 2 => $"key {Value & 0x0F} authenticated",
        _ => $"undefined {Value:X2}",
    };
}

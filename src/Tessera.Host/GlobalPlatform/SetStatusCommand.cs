using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>SET STATUS P1 (GPCS 2.3.1 Table 11-86).</summary>
public enum SetStatusScope : byte
{
    /// <summary>The card life cycle (ISD); data ignored.</summary>
    IssuerSecurityDomain = 0x80,

    /// <summary>An application or supplementary security domain.</summary>
    Application = 0x40,

    /// <summary>A security domain and its associated applications (lock/unlock only).</summary>
    SecurityDomainAndApplications = 0x60,
}

/// <summary>Card life cycle states (GPCS 2.3.1 Table 11-6).</summary>
public static class CardLifeCycle
{
    public const byte OpReady = 0x01;
    public const byte Initialized = 0x07;
    public const byte Secured = 0x0F;
    public const byte CardLocked = 0x7F;
    public const byte Terminated = 0xFF;
}

/// <summary>
/// SET STATUS (GPCS 2.3.1 §11.10): <c>80 F0 P1 state [Lc AID]</c>. For applications only b8 of the state matters:
/// <c>80</c> locks, <c>00</c> unlocks.
/// </summary>
public static class SetStatusCommand
{
    public const byte Ins = 0xF0;

    public static CommandApdu CardLifeCycle(byte state) => new(0x80, Ins, (byte)SetStatusScope.IssuerSecurityDomain, state);

    public static CommandApdu Build(SetStatusScope scope, byte state, Aid aid) => new(0x80, Ins, (byte)scope, state, aid.ToArray());

    public static CommandApdu Lock(Aid aid) => Build(SetStatusScope.Application, 0x80, aid);

    public static CommandApdu Unlock(Aid aid) => Build(SetStatusScope.Application, 0x00, aid);
}

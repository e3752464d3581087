namespace Tessera.Card.Manager;

/// <summary>GlobalPlatform life cycle codings (GPCS 2.3.1 §11.1.1).</summary>
public static class LifeCycles
{
    public const byte OpReady = 0x01;
    public const byte Initialized = 0x07;
    public const byte Secured = 0x0F;
    public const byte CardLocked = 0x7F;
    public const byte Terminated = 0xFF;

    /// <summary>Executable load file: LOADED.</summary>
    public const byte Loaded = 0x01;

    /// <summary>Application: INSTALLED.</summary>
    public const byte Installed = 0x03;

    /// <summary>Application: SELECTABLE.</summary>
    public const byte Selectable = 0x07;

    /// <summary>Application: the LOCKED bit (b8); the other bits keep the state to return to.</summary>
    public const byte LockedBit = 0x80;

    public static byte CardFromProfile(string name) => name switch
    {
        "OP_READY" => OpReady,
        "INITIALIZED" => Initialized,
        "SECURED" => Secured,
        _ => throw new CardProfileException($"unknown card life cycle '{name}'"),
    };

    public static string CardName(byte state) => state switch
    {
        OpReady => "OP_READY",
        Initialized => "INITIALIZED",
        Secured => "SECURED",
        CardLocked => "CARD_LOCKED",
        Terminated => "TERMINATED",
        _ => $"{state:X2}",
    };

    public static bool IsLocked(byte applicationState) => (applicationState & LockedBit) != 0;
}

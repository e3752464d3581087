namespace Tessera.Crypto;

/// <summary>Helpers for <see cref="Scp03SecurityLevel"/>.</summary>
public static class Scp03SecurityLevelExtensions
{
    /// <summary>True for the EXTERNAL AUTHENTICATE P1 values SCP03 allows: 00, 01, 03, 11, 13, 33.</summary>
    public static bool IsValidScp03Level(this Scp03SecurityLevel level) =>
        (byte)level is 0x00 or 0x01 or 0x03 or 0x11 or 0x13 or 0x33;

    /// <summary>True when commands carry a C-MAC.</summary>
    public static bool HasCMac(this Scp03SecurityLevel level) => (level & Scp03SecurityLevel.CMac) != 0;

    /// <summary>True when command data is encrypted.</summary>
    public static bool HasCDecryption(this Scp03SecurityLevel level) => (level & Scp03SecurityLevel.CDecryption) != 0;

    /// <summary>True when successful responses carry an R-MAC.</summary>
    public static bool HasRMac(this Scp03SecurityLevel level) => (level & Scp03SecurityLevel.RMac) != 0;

    /// <summary>True when response data is encrypted.</summary>
    public static bool HasREncryption(this Scp03SecurityLevel level) => (level & Scp03SecurityLevel.REncryption) != 0;
}

namespace Tessera.Crypto;

/// <summary>
/// SCP03 security level bits (Amendment D §5.5 and Table 7-3, the P1 of EXTERNAL AUTHENTICATE).
/// Valid P1 values are <c>00</c>, <c>01</c>, <c>03</c>, <c>11</c>, <c>13</c> and <c>33</c>
/// (see <see cref="Scp03SecurityLevelExtensions.IsValidScp03Level"/>).
/// </summary>
[Flags]
public enum Scp03SecurityLevel : byte
{
    /// <summary>No secure messaging after authentication (P1 <c>00</c>).</summary>
    None = 0x00,

    /// <summary>C-MAC on every command.</summary>
    CMac = 0x01,

    /// <summary>Command data encrypted (always together with C-MAC).</summary>
    CDecryption = 0x02,

    /// <summary>R-MAC on every successful response.</summary>
    RMac = 0x10,

    /// <summary>Response data encrypted (always together with R-MAC and C-DECRYPTION).</summary>
    REncryption = 0x20,

    /// <summary>
    /// The GP API's AUTHENTICATED bit: set in a card's current security level once EXTERNAL AUTHENTICATE
    /// succeeded. It is never sent in P1.
    /// </summary>
    Authenticated = 0x80,
}

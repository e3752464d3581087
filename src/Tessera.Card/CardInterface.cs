namespace Tessera.Card;

/// <summary>The physical interfaces of a secure device (SPEC §1).</summary>
public enum CardInterface
{
    /// <summary>ISO/IEC 7816-3 contacts, carrying ISO 7816-4 APDUs.</summary>
    Contact,

    /// <summary>ISO/IEC 14443 contactless, carrying ISO 7816-4 APDUs.</summary>
    Contactless,

    /// <summary>Block read/write of command storage files ("direct access" of a secure memory card).</summary>
    Memory,
}

namespace Tessera.Iso7816;

/// <summary>
/// Which meaningless bytes a <see cref="BerTlvReader"/> skips before, between and after data objects
/// (ISO/IEC 7816-4 Annex D.1 allows <c>00</c> and <c>FF</c>). Skipping <c>FF</c> makes tags whose first byte is
/// <c>FF</c> (GlobalPlatform <c>FF1F</c>-<c>FF7F</c>, Tessera <c>FF50</c>) unreadable, so it is a separate choice.
/// </summary>
public enum BerTlvPadding
{
    /// <summary>No padding: every byte belongs to a data object.</summary>
    None,

    /// <summary>Skip <c>00</c> bytes.</summary>
    Skip00,

    /// <summary>Skip <c>00</c> and <c>FF</c> bytes.</summary>
    Skip00AndFF,
}

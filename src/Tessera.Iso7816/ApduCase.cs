namespace Tessera.Iso7816;

/// <summary>The seven command APDU cases of ISO/IEC 7816-4 (short and extended length).</summary>
public enum ApduCase
{
    Case1,
    Case2Short,
    Case3Short,
    Case4Short,
    Case2Extended,
    Case3Extended,
    Case4Extended,
}

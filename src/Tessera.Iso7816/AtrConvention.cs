namespace Tessera.Iso7816;

/// <summary>The convention announced by the initial character TS of an ATR (ISO/IEC 7816-3 §8.1).</summary>
public enum AtrConvention
{
    /// <summary>TS = <c>3B</c>.</summary>
    Direct = 0x3B,

    /// <summary>TS = <c>3F</c> (as read by a reader that already decoded the inverse convention).</summary>
    Inverse = 0x3F,
}

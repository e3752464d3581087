namespace Tessera.Iso7816;

/// <summary>The class of a BER-TLV tag, bits b8-b7 of its first byte.</summary>
public enum BerTagClass
{
    Universal = 0,
    Application = 1,
    ContextSpecific = 2,
    Private = 3,
}

namespace Tessera.Iso7816;

/// <summary>Bytes that are not a well-formed answer-to-reset (ISO/IEC 7816-3 §8).</summary>
public sealed class AtrFormatException(string message) : FormatException(message)
{
}

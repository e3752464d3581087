namespace Tessera.Iso7816;

/// <summary>
/// Bytes that are not well-formed TLV (BER-TLV, COMPACT-TLV, SIMPLE-TLV, DGI or a GlobalPlatform LV field).
/// <see cref="Offset"/> is the position in the decoded input where the problem was found, or -1 when unknown.
/// </summary>
public sealed class TlvFormatException : FormatException
{
    public TlvFormatException(string message)
        : this(message, -1)
    {
    }

    public TlvFormatException(string message, int offset)
        : base(offset >= 0 ? $"{message} (at offset {offset})" : message)
    {
        Reason = message;
        Offset = offset;
    }

    /// <summary>The message without the offset.</summary>
    public string Reason { get; }

    public int Offset { get; }
}

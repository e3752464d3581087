namespace Tessera.Iso7816;

/// <summary>Bytes that are not a well-formed APDU. <see cref="StatusWord"/> is what a card answers to them.</summary>
public sealed class ApduFormatException(string message, StatusWord statusWord) : FormatException(message)
{
    public StatusWord StatusWord { get; } = statusWord;
}

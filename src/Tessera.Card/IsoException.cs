using Tessera.Iso7816;

namespace Tessera.Card;

/// <summary>
/// Thrown by command handlers inside the card to answer with a status word. The card OS catches it at the command
/// boundary, discards every NVM effect of the command and answers the status word.
/// </summary>
public sealed class IsoException(StatusWord statusWord, string? reason = null)
    : Exception(reason is null ? statusWord.Describe() : $"{statusWord.Describe()}: {reason}")
{
    public StatusWord StatusWord { get; } = statusWord;

    public static IsoException Of(ushort sw, string? reason = null) => new(new StatusWord(sw), reason);
}

namespace Tessera.Card.Os;

/// <summary>
/// An application that can be selected on a logical channel (the card manager, an applet instance). The card OS
/// hands it every command of its channel that the OS does not handle itself.
/// </summary>
public interface ICardApplication
{
    /// <summary>Called when the application becomes selected on <paramref name="channel"/>.</summary>
    void Select(LogicalChannel channel);

    /// <summary>Called when another application is selected, or the channel is closed or reset.</summary>
    void Deselect(LogicalChannel channel);

    /// <summary>Processes one command; throw <see cref="IsoException"/> to answer an error status word.</summary>
    CommandResponse Process(CommandContext context);
}

using Tessera.Card.FileSystem;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Os;

/// <summary>Everything a command handler sees: the command, its channel and interface, and the card's stores.</summary>
public sealed class CommandContext(CommandApdu apdu, LogicalChannel channel, CardInterface cardInterface, CardRuntime runtime)
{
    public CommandApdu Apdu { get; } = apdu;

    public LogicalChannel Channel { get; } = channel;

    public CardInterface Interface { get; } = cardInterface;

    public CardRuntime Runtime { get; } = runtime;

    public CardFileSystem Files => Runtime.Files;

    public NonVolatileMemory Nvm => Runtime.Nvm;

    /// <summary>
    /// Set by a handler that answers an error status word but must keep the NVM effects it made (bookkeeping that
    /// SPEC names, such as discarding a failed load); the OS then commits instead of aborting.
    /// </summary>
    public bool KeepEffectsOnError { get; set; }
}

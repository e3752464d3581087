namespace Tessera.Host.Transport;

/// <summary>Why an exchange with a card did not complete.</summary>
public enum ConnectionFailure
{
    /// <summary>The card gave no answer (not powered, or it lost power in the middle of the command).</summary>
    CardMute,

    /// <summary>The link to the card was cut; the command may or may not have reached the card.</summary>
    LinkCut,

    /// <summary>The card or reader answered something that is not a response APDU.</summary>
    Protocol,

    /// <summary>The reader or transport reported an error.</summary>
    Transport,
}

/// <summary>An exchange with a card failed; <see cref="Failure"/> says how, the message says what to do.</summary>
public sealed class CardConnectionException(ConnectionFailure failure, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public ConnectionFailure Failure { get; } = failure;
}

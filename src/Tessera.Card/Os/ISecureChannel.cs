namespace Tessera.Card.Os;

/// <summary>
/// A secure messaging session on one logical channel (the ISD's SCP03 session). While it is authenticated, the card
/// OS unwraps every command of the channel with it before dispatch and wraps every response before 61XX splitting.
/// </summary>
public interface ISecureChannel
{
    /// <summary>True from a successful EXTERNAL AUTHENTICATE until the session ends or aborts.</summary>
    bool IsAuthenticated { get; }

    /// <summary>Checks and unwraps a command; false (and the session aborted) on any secure messaging failure.</summary>
    bool TryUnwrap(ReadOnlySpan<byte> command, out byte[] plain);

    /// <summary>Protects a response APDU (<c>data ‖ SW</c>) of the command just unwrapped.</summary>
    byte[] Wrap(ReadOnlySpan<byte> response);
}

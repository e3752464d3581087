using Tessera.Crypto;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// The secure channel failed on the host side: the card cryptogram or an R-MAC did not verify, or the card's
/// answer to INITIALIZE UPDATE is malformed. The session is over; select and authenticate again.
/// </summary>
public sealed class GpSecureChannelException(string message, Scp03Error error = Scp03Error.None, Exception? inner = null)
    : Exception(message, inner)
{
    public Scp03Error Error { get; } = error;
}

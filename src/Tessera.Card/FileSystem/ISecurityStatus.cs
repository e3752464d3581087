namespace Tessera.Card.FileSystem;

/// <summary>
/// The security status a command is checked against: per logical channel, owned by the card OS and fed by the
/// card manager (secure channel) and by key verification in DFs.
/// </summary>
public interface ISecurityStatus
{
    /// <summary>An ISD secure channel is open at security level AUTHENTICATED or higher on this logical channel.</summary>
    bool IsdSecureChannelAuthenticated { get; }

    bool IsKeyVerified(CardFile df, int keyNumber);

    bool IsKeyAuthenticated(CardFile df, int keyNumber);
}

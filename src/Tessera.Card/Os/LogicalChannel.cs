using Tessera.Card.FileSystem;

namespace Tessera.Card.Os;

/// <summary>
/// The volatile state of one logical channel of one interface: its current DF and EF, the application selected on
/// it, the response data still waiting for GET RESPONSE, and its security status (secure channel, verified keys).
/// </summary>
public sealed class LogicalChannel(int number) : ISecurityStatus
{
    public int Number { get; } = number;

    /// <summary>Node id of the current DF (the MF after opening).</summary>
    public ushort CurrentDf { get; set; }

    /// <summary>Node id of the current EF, or null.</summary>
    public ushort? CurrentEf { get; set; }

    /// <summary>The application selected on this channel, or null (the card OS answers on its own).</summary>
    public ICardApplication? SelectedApplication { get; set; }

    /// <summary>Response data not yet fetched with GET RESPONSE, and the status word that ends it.</summary>
    public PendingResponse? Pending { get; set; }

    private bool authenticated;

    /// <summary>
    /// The private channel of a self-issuance script: its commands run as if an ISD secure channel were authenticated
    /// (SPEC §4.5), whatever the script selects.
    /// </summary>
    public bool ImplicitlyAuthenticated { get; init; }

    /// <summary>Set by the card manager while an ISD secure channel at AUTHENTICATED or higher is open here.</summary>
    public bool IsdSecureChannelAuthenticated
    {
        get => ImplicitlyAuthenticated || authenticated;
        set => authenticated = value;
    }

    /// <summary>The secure channel session of this channel (owned by the ISD), or null.</summary>
    public ISecureChannel? SecureChannel { get; private set; }

    /// <summary>Starts a (not yet authenticated) secure channel session, replacing any other.</summary>
    public void BeginSecureChannel(ISecureChannel session)
    {
        SecureChannel = session;
        authenticated = false;
    }

    /// <summary>Ends the secure channel session, if any: the security level falls back to none.</summary>
    public void EndSecureChannel()
    {
        SecureChannel = null;
        authenticated = false;
    }

    public bool IsKeyVerified(CardFile df, int keyNumber) => false;

    public bool IsKeyAuthenticated(CardFile df, int keyNumber) => false;

    /// <summary>Back to the state of a freshly opened channel: MF current, nothing selected, no session.</summary>
    public void Reset(ushort mfNodeId)
    {
        CurrentDf = mfNodeId;
        CurrentEf = null;
        SelectedApplication?.Deselect(this);
        SelectedApplication = null;
        Pending = null;
        EndSecureChannel();
    }
}

/// <summary>Response bytes held for GET RESPONSE (<c>61XX</c> chaining).</summary>
public sealed class PendingResponse(ReadOnlyMemory<byte> remaining, Iso7816.StatusWord final)
{
    public ReadOnlyMemory<byte> Remaining { get; set; } = remaining;

    public Iso7816.StatusWord Final { get; } = final;
}

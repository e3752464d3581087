using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>Volatile per-channel state of the ISD while it is selected there; reset by (re)selection.</summary>
internal sealed class IsdChannelState
{
    /// <summary>GET STATUS entries not yet answered (for P2 'next'), and the P1 they belong to.</summary>
    public Queue<byte[]>? StatusRemaining { get; set; }

    public byte StatusP1 { get; set; }

    /// <summary>Next expected STORE DATA block number.</summary>
    public int StoreDataNextBlock { get; set; }

    /// <summary>The application named by INSTALL [for personalization], receiving STORE DATA until the last block.</summary>
    public Aid? PersonalizationTarget { get; set; }
}

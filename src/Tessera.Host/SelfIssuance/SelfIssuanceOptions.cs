using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>How a <see cref="SelfIssuanceManager"/> reaches the card and how hard it tries.</summary>
public sealed record SelfIssuanceOptions
{
    /// <summary>The ISD the manager selects and authenticates with.</summary>
    public Aid IsdAid { get; init; } = IssuerSecurityDomain.DefaultAid;

    /// <summary>The SCP03 keys of the card.</summary>
    public CardKeys Keys { get; init; } = CardKeys.GpDefault;

    /// <summary>Key set to authenticate with (<c>00</c>: the card's first).</summary>
    public byte KeyVersion { get; init; }

    /// <summary>SCP03 level of the session; default C-MAC + C-DECRYPTION (<c>03</c>), at least C-MAC (SPEC §4.2).</summary>
    public Scp03SecurityLevel SecurityLevel { get; init; } = Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption;

    /// <summary>Source of host challenges (tests pin it); random when null.</summary>
    public Func<byte[]>? HostChallenge { get; init; }

    /// <summary>The EF in command storage (DF <c>7F50</c>) that receives the simultaneous command.</summary>
    public ushort Fid { get; init; } = CommandStorage.DefaultEfFid;

    /// <summary>
    /// Seal the simultaneous command to the card (SPEC §4.9) with the key GET DATA <c>DF51</c> returns; only sealed
    /// bytes then leave the manager. A ready-made structure that is not sealed is refused.
    /// </summary>
    public bool Seal { get; init; }

    /// <summary>Write through the connection's memory interface, when it has one and the EF allows direct access.</summary>
    public bool UseMemoryInterface { get; init; } = true;

    /// <summary>
    /// Power the card on (cold reset) before the first exchange. Set false when the caller has just powered it on
    /// (saves a reset); reconnections after a broken link or a power loss always power on.
    /// </summary>
    public bool PowerOnAtStart { get; init; } = true;

    /// <summary>START with P2 <c>01</c> (answer at once, run in the background) and poll GET ISSUANCE STATUS.</summary>
    public bool Background { get; init; }

    /// <summary>Pause between two polls while the card is running an issuance.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Most polls (status reads answered "running" or refused with <c>6985</c>) before giving up.</summary>
    public int MaxPolls { get; init; } = 3000;

    /// <summary>Most START commands (first start, resumes, restarts) before giving up.</summary>
    public int MaxStartAttempts { get; init; } = 8;

    /// <summary>Most reconnections (power-on after a broken link or a card power loss) before giving up.</summary>
    public int MaxReconnects { get; init; } = 8;

    /// <summary>Pause before each reconnection.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Decides what to do when the card reports a failure; null gives up (the card is left failed).</summary>
    public SelfIssuanceFailurePolicy? FailurePolicy { get; init; }
}

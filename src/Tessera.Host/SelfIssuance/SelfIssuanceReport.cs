namespace Tessera.Host.SelfIssuance;

/// <summary>The steps a <see cref="SelfIssuanceManager"/> reports.</summary>
public enum SelfIssuanceStage
{
    /// <summary>The card was powered on (first connection or reconnection).</summary>
    Connected,

    /// <summary>The ISD was selected and an SCP03 session authenticated.</summary>
    SessionOpened,

    /// <summary>The card reported its issuance status.</summary>
    Status,

    /// <summary>The command storage EF was created (or deleted and created again, larger).</summary>
    FileCreated,

    /// <summary>Part of the simultaneous command was written.</summary>
    Writing,

    /// <summary>The whole simultaneous command is in the EF.</summary>
    Written,

    /// <summary>START SELF-ISSUANCE was sent.</summary>
    Started,

    /// <summary>The card is running the issuance; the manager waits.</summary>
    Polling,

    /// <summary>The card reported a failed command; the failure policy decided.</summary>
    Failed,

    /// <summary>CLEAR ISSUANCE succeeded.</summary>
    Cleared,

    /// <summary>CONFIRM ISSUANCE succeeded.</summary>
    Confirmed,

    /// <summary>The link broke or the card lost power; the manager reconnects.</summary>
    ConnectionLost,

    /// <summary>The card ended the secure channel; the manager authenticates again.</summary>
    SessionLost,
}

/// <summary>One step of a self-issuance, for progress displays and logs (it never carries script bytes).</summary>
/// <param name="Stage">what happened.</param>
/// <param name="Message">a sentence for people.</param>
/// <param name="Status">the card's status, when the step brought one.</param>
/// <param name="BytesWritten">bytes of the structure known to be in the EF.</param>
/// <param name="StructureLength">bytes of the structure (0 before it exists).</param>
/// <param name="StartAttempts">START commands sent so far.</param>
/// <param name="Reconnects">reconnections so far.</param>
public sealed record SelfIssuanceProgress(SelfIssuanceStage Stage, string Message, IssuanceStatus? Status, long BytesWritten, long StructureLength, int StartAttempts, int Reconnects);

/// <summary>What a self-issuance did and cost.</summary>
/// <param name="FinalState">confirmed, or cleared when the failure policy chose to clear and stop.</param>
/// <param name="ScriptCommands">m, the commands of the simultaneous command.</param>
/// <param name="StructureBytes">bytes written into the EF (sealed or clear).</param>
/// <param name="Sealed">whether the structure was sealed.</param>
/// <param name="UsedMemoryInterface">whether the structure went through the memory interface.</param>
/// <param name="Exchanges">APDU exchanges on the wire (GET RESPONSE included) plus memory-interface operations.</param>
/// <param name="BytesToCard">bytes sent, secure messaging and memory-interface data included.</param>
/// <param name="BytesFromCard">bytes received.</param>
/// <param name="StartAttempts">START commands sent.</param>
/// <param name="Reconnects">reconnections after a broken link or card power loss.</param>
/// <param name="SessionRestarts">secure channels opened again without a power cycle.</param>
/// <param name="Polls">status reads that found the card still running.</param>
/// <param name="ModelledLinkTime">modelled link time when the connection is a <see cref="Link.LinkedConnection"/>, else null.</param>
/// <param name="MeasuredTime">wall-clock time of the whole issuance.</param>
/// <param name="Progress">the progress management table at the end.</param>
public sealed record SelfIssuanceSummary(
    IssuanceState FinalState,
    int ScriptCommands,
    long StructureBytes,
    bool Sealed,
    bool UsedMemoryInterface,
    int Exchanges,
    long BytesToCard,
    long BytesFromCard,
    int StartAttempts,
    int Reconnects,
    int SessionRestarts,
    int Polls,
    TimeSpan? ModelledLinkTime,
    TimeSpan MeasuredTime,
    ProgressManagementTable Progress)
{
    /// <summary>Bytes both ways.</summary>
    public long BytesOnWire => BytesToCard + BytesFromCard;

    /// <inheritdoc/>
    public override string ToString() =>
        $"{FinalState}: {ScriptCommands} commands in a {StructureBytes}-byte {(Sealed ? "sealed" : "clear")} structure " +
        $"({(UsedMemoryInterface ? "memory interface" : "UPDATE BINARY")}), {StartAttempts} START, {Reconnects} reconnects, " +
        $"{Exchanges} exchanges, {BytesOnWire} bytes ({BytesToCard} to card, {BytesFromCard} from card), measured {MeasuredTime.TotalMilliseconds:F1} ms" +
        (ModelledLinkTime is { } t ? $", modelled link {t.TotalMilliseconds:F1} ms" : "");
}

/// <summary>
/// A self-issuance could not be completed: the failure policy gave up, the attempts or reconnections ran out, or the
/// card refused something the manager cannot work around. <see cref="Status"/> is the card's last status, if any.
/// </summary>
public sealed class SelfIssuanceException(string message, IssuanceStatus? status = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The last status the card reported.</summary>
    public IssuanceStatus? Status { get; } = status;
}

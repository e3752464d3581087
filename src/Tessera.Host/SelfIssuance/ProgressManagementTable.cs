namespace Tessera.Host.SelfIssuance;

/// <summary>Where one command of the script stands, as far as the card has told the external device.</summary>
public enum CommandProgress
{
    /// <summary>Not known to have run.</summary>
    Pending,

    /// <summary>Among the preceding commands: it took effect.</summary>
    Done,

    /// <summary>The card judged its status word a failure.</summary>
    Failed,
}

/// <summary>One status the card reported, and what it answered (START, GET ISSUANCE STATUS).</summary>
/// <param name="Attempt">the START attempt the status belongs to (0 before the first START of this run).</param>
/// <param name="Source">the command that brought the status ("START", "GET ISSUANCE STATUS").</param>
/// <param name="Status">the card's status template.</param>
public sealed record ProgressRecord(int Attempt, string Source, IssuanceStatus Status);

/// <summary>
/// The external device's progress management table (SPEC §5): for each command of the simultaneous command, whether
/// it took effect, failed or is pending, built from every status the card reported; and the history of those
/// statuses. A <see cref="SelfIssuanceFailurePolicy"/> reads it to decide how to go on after a failure.
/// </summary>
public sealed class ProgressManagementTable
{
    private readonly List<ProgressRecord> history = [];
    private readonly Func<int, string?>? describe;

    internal ProgressManagementTable(int commandCount, Func<int, string?>? describe)
    {
        CommandCount = commandCount;
        this.describe = describe;
    }

    /// <summary>m, the commands of the script.</summary>
    public int CommandCount { get; private set; }

    /// <summary>The number of preceding commands the card reported last.</summary>
    public int PrecedingCommands => Last?.PrecedingCommands ?? 0;

    /// <summary>The last status the card reported (null before the first).</summary>
    public IssuanceStatus? Last => history.Count == 0 ? null : history[^1].Status;

    /// <summary>Every status the card reported during this issuance, oldest first.</summary>
    public IReadOnlyList<ProgressRecord> History => history;

    /// <summary>Where command <paramref name="commandNumber"/> (1-based) stands.</summary>
    public CommandProgress this[int commandNumber]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(commandNumber, 1);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(commandNumber, Math.Max(CommandCount, 1));
            if (commandNumber <= PrecedingCommands || Last?.State is IssuanceState.Completed or IssuanceState.Confirmed)
            {
                return CommandProgress.Done;
            }

            return Last is { State: IssuanceState.Failed, FailingCommand: { } f } && f == commandNumber ? CommandProgress.Failed : CommandProgress.Pending;
        }
    }

    /// <summary>
    /// What the command is (its prepared description), when the manager built the script itself from prepared
    /// commands; null for a structure it received ready-made (sealed by the provider).
    /// </summary>
    public string? DescriptionOf(int commandNumber) => describe?.Invoke(commandNumber);

    internal void SetCommandCount(int commandCount) => CommandCount = commandCount;

    internal void Record(int attempt, string source, IssuanceStatus status)
    {
        history.Add(new ProgressRecord(attempt, source, status));
        if (status.CommandCount > 0)
        {
            CommandCount = status.CommandCount;
        }
    }
}

/// <summary>What to do about a failed self-issuance.</summary>
public enum FailureAction
{
    /// <summary>START P1 <c>01</c> at <see cref="FailureDecision.ResumeAt"/> (after the caller fixed the cause).</summary>
    Resume,

    /// <summary>CLEAR ISSUANCE and stop: the card is back as it was before the issuance.</summary>
    Clear,

    /// <summary>CLEAR ISSUANCE, then START again from command 1 (P1 <c>80</c>).</summary>
    ClearAndRestart,

    /// <summary>Stop and leave the card as it is (failed); the manager throws <see cref="SelfIssuanceException"/>.</summary>
    GiveUp,
}

/// <summary>A decision of a <see cref="SelfIssuanceFailurePolicy"/>.</summary>
/// <param name="Action">what to do.</param>
/// <param name="ResumeAt">for <see cref="FailureAction.Resume"/>: the command to start at, 1 to preceding commands + 1.</param>
public sealed record FailureDecision(FailureAction Action, int ResumeAt = 0)
{
    /// <summary>Leave the card failed and stop.</summary>
    public static FailureDecision GiveUp { get; } = new(FailureAction.GiveUp);

    /// <summary>CLEAR and stop.</summary>
    public static FailureDecision Clear { get; } = new(FailureAction.Clear);

    /// <summary>CLEAR and start again from command 1.</summary>
    public static FailureDecision ClearAndRestart { get; } = new(FailureAction.ClearAndRestart);

    /// <summary>START P1 01 at <paramref name="commandNumber"/>.</summary>
    public static FailureDecision Resume(int commandNumber) => new(FailureAction.Resume, commandNumber);
}

/// <summary>
/// Decides how a self-issuance goes on after the card reported a failure: <paramref name="status"/> is the card's
/// answer (failing command, its header and status word), <paramref name="table"/> the progress management table.
/// The callback may fix the cause (outside the card) before it answers <see cref="FailureAction.Resume"/>.
/// </summary>
public delegate FailureDecision SelfIssuanceFailurePolicy(IssuanceStatus status, ProgressManagementTable table);

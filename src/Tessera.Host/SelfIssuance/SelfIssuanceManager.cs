using System.Diagnostics;
using Tessera.Card;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>
/// The external device of a self-issuance (SPEC §5): writes a simultaneous command into command storage by direct
/// access, sends START, reacts to the answer through its progress management table (resume, clear, give up), and
/// CONFIRMs. It survives a broken link or a card power loss at any exchange: it powers the card on again,
/// authenticates again, asks GET ISSUANCE STATUS and goes on from what the card says, within bounded attempts.
/// </summary>
/// <remarks>
/// The manager does not own the connections it gets; it powers them on (a cold reset) on every (re)connection.
/// With <see cref="SelfIssuanceOptions.Seal"/> only sealed bytes leave it: the clear structure exists only inside
/// <see cref="SimultaneousCommandBuilder.BuildSealed"/>, and progress events never carry script bytes.
/// </remarks>
public sealed class SelfIssuanceManager
{
    private readonly Func<ICardConnection> connect;

    /// <param name="connect">
    /// gives the connection to the card, called once at the start and again after each broken link or power loss
    /// (for example restoring a cut link, or opening the reader again). The manager powers it on each time.
    /// </param>
    /// <param name="options">keys, EF, sealing, memory interface, background mode and bounds.</param>
    public SelfIssuanceManager(Func<ICardConnection> connect, SelfIssuanceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(connect);
        this.connect = connect;
        Options = options ?? new SelfIssuanceOptions();
        if (!Options.SecurityLevel.IsValidScp03Level() || !Options.SecurityLevel.HasCMac())
        {
            throw new ArgumentException($"self-issuance writes over an SCP03 session with at least C-MAC; level {(byte)Options.SecurityLevel:X2} is not one", nameof(options));
        }

        CommandStorage.CheckFid(Options.Fid);
    }

    /// <summary>A manager that reconnects by powering the same connection on again.</summary>
    public SelfIssuanceManager(ICardConnection connection, SelfIssuanceOptions? options = null)
        : this(Same(connection), options)
    {
    }

    /// <summary>The options the manager runs with.</summary>
    public SelfIssuanceOptions Options { get; }

    /// <summary>Raised at each step (connection, session, status, write, START, failure, CLEAR, CONFIRM, reconnection).</summary>
    public event Action<SelfIssuanceProgress>? Progress;

    /// <summary>
    /// Issues the prepared commands (<see cref="DataPreparation"/>): a simultaneous command with a recovery point at
    /// the start of each function, sealed to the card when <see cref="SelfIssuanceOptions.Seal"/> is set.
    /// </summary>
    public SelfIssuanceSummary Issue(IReadOnlyList<PreparedCommand> prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        var builder = SimultaneousCommandBuilder.FromPrepared(prepared);
        return Run(new ScriptSource(key => Options.Seal ? builder.BuildSealed(key()) : builder.Build(), n => n >= 1 && n <= prepared.Count ? prepared[n - 1].Description : null));
    }

    /// <summary>Issues the script of <paramref name="script"/> (sealed to the card when <see cref="SelfIssuanceOptions.Seal"/> is set).</summary>
    public SelfIssuanceSummary Issue(SimultaneousCommandBuilder script)
    {
        ArgumentNullException.ThrowIfNull(script);
        _ = script.EncodedLength; // refuses an invalid script before the card is touched
        return Run(new ScriptSource(key => Options.Seal ? script.BuildSealed(key()) : script.Build(), null));
    }

    /// <summary>
    /// Issues a ready-made simultaneous command as it is (for example sealed by the data preparation party). With
    /// <see cref="SelfIssuanceOptions.Seal"/> set, a structure that is not sealed is refused.
    /// </summary>
    public SelfIssuanceSummary IssueStructure(ReadOnlyMemory<byte> structure)
    {
        var header = SimultaneousCommandHeader.Parse(structure.Span);
        if (Options.Seal && !header.IsSealed)
        {
            throw new ArgumentException("sealing is required but the structure is not sealed (flags bit 2 clear)", nameof(structure));
        }

        var copy = structure.ToArray();
        return Run(new ScriptSource(_ => copy, null));
    }

    /// <summary>
    /// Provider confidentiality (SPEC §4.9): reads the card's issuance public key (GET DATA <c>DF51</c>) and hands it
    /// to <paramref name="sealToCard"/>, which returns the structure sealed to that key (the data preparation party
    /// seals; the operator running this manager never sees the clear script). The answer must be sealed.
    /// </summary>
    public SelfIssuanceSummary IssueSealedBy(Func<byte[], byte[]> sealToCard)
    {
        ArgumentNullException.ThrowIfNull(sealToCard);
        return Run(new ScriptSource(
            key =>
            {
                var structure = sealToCard(key()) ?? throw new SelfIssuanceException("the sealing party returned no structure");
                if (!SimultaneousCommandHeader.Parse(structure).IsSealed)
                {
                    throw new SelfIssuanceException("the sealing party returned a structure that is not sealed (flags bit 2 clear)");
                }

                return structure;
            },
            null));
    }

    private static Func<ICardConnection> Same(ICardConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return () => connection;
    }

    private SelfIssuanceSummary Run(ScriptSource source)
    {
        var run = new IssuanceRun(this, source);
        return run.Execute();
    }

    private void Report(SelfIssuanceProgress progress) => Progress?.Invoke(progress);

    private sealed record ScriptSource(Func<Func<byte[]>, byte[]> Produce, Func<int, string?>? Describe);

    /// <summary>The card ended the secure channel (a command answered 6982): authenticate again, no power cycle.</summary>
    private sealed class SessionLostException(string message) : Exception(message);

    /// <summary>The state of one issuance (one call of an Issue method).</summary>
    private sealed class IssuanceRun(SelfIssuanceManager manager, ScriptSource source)
    {
        private readonly SelfIssuanceOptions options = manager.Options;
        private readonly Dictionary<LinkedConnection, TimeSpan> linkBaselines = new(ReferenceEqualityComparer.Instance);
        private readonly ProgressManagementTable table = new(0, source.Describe);
        private ICardConnection? connection;
        private GpSession? session;
        private byte[]? structure;
        private SimultaneousCommandHeader header;
        private long confirmedWritten;
        private bool writeComplete;
        private bool memoryTriedDirect;
        private bool writtenThisRun;
        private bool usedMemory;
        private bool memoryRefused;
        private bool started;
        private bool confirmSent;
        private bool clearSent;
        private bool restartRequested;
        private IssuanceStatus? decidedFailure;
        private FailureDecision? decision;
        private IssuanceStatus? lastStatus;
        private int startAttempts;
        private int reconnects;
        private int sessionRestarts;
        private int polls;
        private int exchanges;
        private long bytesToCard;
        private long bytesFromCard;

        private bool selectFirst;

        private ushort Fid => options.Fid;

        public SelfIssuanceSummary Execute()
        {
            var stopwatch = Stopwatch.StartNew();
            var needPower = true;
            var needSession = true;
            // First contact: assume the card holds no unfinished issuance and go straight to writing and START, which
            // answers 6985 if it does (the manager then asks GET ISSUANCE STATUS). After a reconnect it always asks.
            (IssuanceStatus Status, bool FromStart)? inHand = (new IssuanceStatus { State = IssuanceState.None }, false);
            while (true)
            {
                try
                {
                    if (needPower)
                    {
                        Connect();
                        needPower = false;
                        needSession = true;
                    }

                    if (needSession)
                    {
                        if (!OpenSession())
                        {
                            Poll("the card is busy (privileged mode): waiting to open a session");
                            continue;
                        }

                        needSession = false;
                        EnsureStructure();
                    }

                    var current = inHand ?? (ReadStatus() is { } read ? (read, false) : null);
                    inHand = null;
                    if (current is not { } observed)
                    {
                        Poll("the card is busy (privileged mode): waiting for the issuance to end");
                        continue;
                    }

                    var outcome = Step(observed.Status, observed.FromStart);
                    if (outcome.Final is { } final)
                    {
                        return Summary(final, stopwatch.Elapsed);
                    }

                    inHand = outcome.Next;
                }
                catch (CardConnectionException e)
                {
                    LoseConnection(e);
                    needPower = true;
                    inHand = null;
                }
                catch (GpSecureChannelException e)
                {
                    LoseConnection(e);
                    needPower = true;
                    inHand = null;
                }
                catch (SessionLostException e)
                {
                    sessionRestarts++;
                    if (sessionRestarts > options.MaxReconnects + options.MaxPolls)
                    {
                        throw new SelfIssuanceException($"the card kept ending the secure channel ({sessionRestarts} times): {e.Message}", lastStatus, e);
                    }

                    Report(SelfIssuanceStage.SessionLost, e.Message);
                    needSession = true;
                    inHand = null;
                }
            }
        }

        private (IssuanceState? Final, (IssuanceStatus, bool)? Next) Step(IssuanceStatus status, bool fromStart)
        {
            var ours = status.Fid is null || status.Fid == Fid;
            switch (status.State)
            {
                case IssuanceState.Running:
                    Poll("the card is running the issuance", status);
                    return (null, null);

                case IssuanceState.Completed when ours && (started || confirmSent || status.CommandCount == header.CommandCount):
                    return Confirm(status);

                case IssuanceState.Confirmed when ours && confirmSent:
                    Report(SelfIssuanceStage.Confirmed, "the issuance is confirmed", status);
                    return (IssuanceState.Confirmed, null);

                case IssuanceState.Cleared when ours && clearSent:
                    clearSent = false;
                    Report(SelfIssuanceStage.Cleared, "the issuance is cleared", status);
                    if (!restartRequested)
                    {
                        return (IssuanceState.Cleared, null);
                    }

                    return Start(StartMode.Restart, null);

                case IssuanceState.Failed when ours:
                    return Failed(status, fromStart);

                case IssuanceState.Interrupted when ours:
                    return Start(StartMode.StartOrResume, null);

                case IssuanceState.Completed or IssuanceState.Failed or IssuanceState.Interrupted:
                    throw new SelfIssuanceException(
                        $"the card holds an unfinished issuance that is not this one ({status}); confirm or clear it first", status);

                default:
                    // none, or cleared / confirmed left by an earlier issuance: write and start.
                    EnsureWritten();
                    return Start(restartRequested ? StartMode.Restart : StartMode.StartOrResume, null);
            }
        }

        private (IssuanceState?, (IssuanceStatus, bool)?) Failed(IssuanceStatus status, bool fromStart)
        {
            FailureDecision chosen;
            if (!fromStart && decision is not null && decidedFailure is { } earlier && SameFailure(earlier, status))
            {
                // The card still shows the failure already decided on: the action may not have reached it.
                chosen = decision;
            }
            else
            {
                chosen = options.FailurePolicy?.Invoke(status, table) ?? FailureDecision.GiveUp;
                decidedFailure = status;
                decision = chosen;
            }

            Report(SelfIssuanceStage.Failed, $"command {status.FailingCommand} failed ({status.FailingHeader} answered {status.FailingStatusWord?.Describe()}): {chosen.Action}", status);
            switch (chosen.Action)
            {
                case FailureAction.Resume:
                    if (chosen.ResumeAt < 1 || chosen.ResumeAt > status.PrecedingCommands + 1)
                    {
                        throw new SelfIssuanceException($"the failure policy chose to resume at command {chosen.ResumeAt}, outside 1..{status.PrecedingCommands + 1}", status);
                    }

                    return Start(StartMode.StartAt, (ushort)chosen.ResumeAt);

                case FailureAction.Clear or FailureAction.ClearAndRestart:
                    restartRequested = chosen.Action == FailureAction.ClearAndRestart;
                    clearSent = true;
                    var answer = Send(SelfIssuanceCommands.Clear());
                    if (answer.SW != 0x9000)
                    {
                        throw new SelfIssuanceException($"CLEAR ISSUANCE refused: {answer.StatusWord.Describe()}", status);
                    }

                    // CLEAR answers no data by SPEC §4.4; a card that adds the E5 template is believed.
                    var cleared = answer.Data.IsEmpty
                        ? status with { State = IssuanceState.Cleared, FailingCommand = null, FailingHeader = null, FailingStatusWord = null, ResumeAt = null, PrecedingCommands = 0 }
                        : ParseStatus(answer, "CLEAR");
                    if (answer.Data.IsEmpty)
                    {
                        table.Record(startAttempts, "CLEAR", cleared);
                        lastStatus = cleared;
                    }

                    return (null, (cleared, false));

                default:
                    throw new SelfIssuanceException($"self-issuance failed and the failure policy gave up: {status}", status);
            }
        }

        private (IssuanceState?, (IssuanceStatus, bool)?) Start(StartMode mode, ushort? startAt)
        {
            if (startAttempts >= options.MaxStartAttempts)
            {
                throw new SelfIssuanceException($"gave up after {startAttempts} START attempts; last status: {lastStatus?.ToString() ?? "none"}", lastStatus);
            }

            startAttempts++;
            started = true;
            var command = new StartSelfIssuance
            {
                Fid = Fid,
                Mode = mode,
                Background = options.Background,
                StartCommand = startAt,
                ReadLength = writtenThisRun ? (uint)structure!.Length : null,
            }.ToCommand();
            Report(SelfIssuanceStage.Started, $"START P1 {(byte)mode:X2}{(startAt is { } n ? $" at command {n}" : "")} (attempt {startAttempts})");
            var answer = Send(command);
            restartRequested = false;
            switch (answer.SW)
            {
                case 0x9000:
                case 0x6300:
                    var status = ParseStatus(answer, "START");
                    return (null, (status, true));
                case 0x6985:
                    // Not allowed now (another START running, or a state the card sees differently): ask again.
                    return (null, null);
                default:
                    throw new SelfIssuanceException($"START SELF-ISSUANCE refused: {answer.StatusWord.Describe()}", lastStatus);
            }
        }

        private (IssuanceState?, (IssuanceStatus, bool)?) Confirm(IssuanceStatus status)
        {
            confirmSent = true;
            var answer = Send(SelfIssuanceCommands.Confirm());
            if (answer.SW != 0x9000)
            {
                throw new SelfIssuanceException($"CONFIRM ISSUANCE refused: {answer.StatusWord.Describe()}", status);
            }

            var confirmed = status with { State = IssuanceState.Confirmed };
            table.Record(startAttempts, "CONFIRM", confirmed);
            lastStatus = confirmed;
            Report(SelfIssuanceStage.Confirmed, "the issuance is confirmed", confirmed);
            return (IssuanceState.Confirmed, null);
        }

        private void Connect()
        {
            if (connection is not null && options.ReconnectDelay > TimeSpan.Zero)
            {
                Thread.Sleep(options.ReconnectDelay);
            }

            session = null;
            var next = manager.connect() ?? throw new SelfIssuanceException("the connection factory returned no connection");
            if (next is LinkedConnection link)
            {
                linkBaselines.TryAdd(link, link.Statistics.ModelledLinkTime);
            }

            var first = connection is null;
            connection = next;
            if (first && !options.PowerOnAtStart)
            {
                Report(SelfIssuanceStage.Connected, $"{next.Name} (already powered on by the caller)");
                return;
            }

            next.PowerOn();
            Report(SelfIssuanceStage.Connected, $"{next.Name} powered on");
        }

        private void Select(GpSession candidate)
        {
            try
            {
                candidate.Select(options.IsdAid);
            }
            catch (GpCommandException e) when (e.StatusWord.Value == 0x6982)
            {
                // The card still had a session on the channel and refused a plain SELECT (aborting it): once more.
                candidate.Select(options.IsdAid);
            }
        }

        /// <summary>Authenticate with the ISD (selecting it when needed); false when the card is busy (privileged mode, 6985).</summary>
        private bool OpenSession()
        {
            var transmitter = new ApduTransmitter(connection!);
            transmitter.Exchanged += (command, response) =>
            {
                exchanges++;
                bytesToCard += command.Length;
                bytesFromCard += response.Length;
            };
            var candidate = new GpSession(transmitter, 0, options.HostChallenge);
            try
            {
                // After power-on the ISD is implicitly selected (SPEC §3): authenticate at once and SELECT only when the
                // card says another application answers (a round trip saved on every connection).
                try
                {
                    if (selectFirst)
                    {
                        Select(candidate);
                    }

                    candidate.Authenticate(options.Keys, options.SecurityLevel, options.KeyVersion);
                }
                catch (GpCommandException e) when (!selectFirst && e.StatusWord.Value != 0x6985)
                {
                    selectFirst = true;
                    Select(candidate);
                    candidate.Authenticate(options.Keys, options.SecurityLevel, options.KeyVersion);
                }
            }
            catch (GpCommandException e) when (e.StatusWord.Value == 0x6985)
            {
                return false;
            }
            catch (GpCommandException e)
            {
                throw new SelfIssuanceException($"cannot open a secure channel with the ISD {options.IsdAid}: {e.Message}", lastStatus, e);
            }
            catch (GpSecureChannelException e)
            {
                throw new SelfIssuanceException($"cannot open a secure channel with the ISD {options.IsdAid}: {e.Message}", lastStatus, e);
            }

            session = candidate;
            Report(SelfIssuanceStage.SessionOpened, $"SCP03 session at level {(byte)options.SecurityLevel:X2}");
            return true;
        }

        private void EnsureStructure()
        {
            if (structure is not null)
            {
                return;
            }

            structure = source.Produce(ReadCardKey);
            header = SimultaneousCommandHeader.Parse(structure);
            table.SetCommandCount(header.CommandCount);
            if (options.Seal && !header.IsSealed)
            {
                throw new SelfIssuanceException("sealing is required but the structure is not sealed");
            }
        }

        private byte[] ReadCardKey()
        {
            var answer = Send(GetDataCommand.Build(GetDataCommand.IssuancePublicKey));
            if (answer.SW != 0x9000)
            {
                throw new SelfIssuanceException($"GET DATA DF51 (card issuance public key) refused: {answer.StatusWord.Describe()}");
            }

            try
            {
                return CommandStorage.ParseIssuancePublicKey(answer.Data.Span);
            }
            catch (FormatException e)
            {
                throw new SelfIssuanceException(e.Message, null, e);
            }
        }

        private IssuanceStatus? ReadStatus()
        {
            var answer = Send(SelfIssuanceCommands.GetStatus());
            return answer.SW switch
            {
                0x9000 => ParseStatus(answer, "GET ISSUANCE STATUS"),
                0x6985 => null,
                _ => throw new SelfIssuanceException($"GET ISSUANCE STATUS refused: {answer.StatusWord.Describe()}", lastStatus),
            };
        }

        private IssuanceStatus ParseStatus(ResponseApdu answer, string source)
        {
            IssuanceStatus status;
            try
            {
                status = IssuanceStatus.Parse(answer.Data.Span);
            }
            catch (FormatException e)
            {
                throw new SelfIssuanceException($"{source} answered {answer.StatusWord} with a malformed status template: {e.Message}", lastStatus, e);
            }

            lastStatus = status;
            table.Record(startAttempts, source, status);
            Report(SelfIssuanceStage.Status, $"{source}: {status}", status);
            return status;
        }

        /// <summary>Creates the EF if needed and writes what is not known to be written yet (idempotent).</summary>
        private void EnsureWritten()
        {
            if (writeComplete)
            {
                return;
            }

            var bytes = structure!;

            // The memory interface first: one write at offset 0 saves the whole structure, creating the EF when the
            // card does not hold it yet (PROTOCOL.md); an EF that is too small or not writable there falls back to
            // the APDU path below, which creates or replaces it.
            while (options.UseMemoryInterface && !memoryRefused && !memoryTriedDirect && connection!.Memory is { } direct)
            {
                try
                {
                    direct.Write(Fid, 0, bytes);
                    memoryTriedDirect = true;
                    exchanges++;
                    bytesToCard += bytes.Length;
                    confirmedWritten = bytes.Length;
                    usedMemory = true;
                    writeComplete = true;
                    writtenThisRun = true;
                    Report(SelfIssuanceStage.Written, $"{bytes.Length} bytes in EF {Fid:X4} through the memory interface");
                    return;
                }
                catch (MemoryAccessException e) when (e.Error is MemoryAccessError.OutOfRange or MemoryAccessError.NotFound or MemoryAccessError.AccessDenied)
                {
                    memoryTriedDirect = true;
                    exchanges++;
                    Report(SelfIssuanceStage.Writing, $"memory interface could not take the structure ({e.Error}: {e.Message}); preparing the EF with APDUs");
                }
                catch (MemoryAccessException e)
                {
                    exchanges++;
                    Poll($"the card is busy (privileged mode): {e.Message}");
                }
            }

            ExpectSuccess(Send(CommandStorage.SelectDf()), "SELECT of command storage 7F50");

            // Create the EF at once (the usual case: a card's first issuance); only when it exists already, read its FCP.
            var directAccess = false;
            var created = Send(CommandStorage.CreateEf(Fid, bytes.Length));
            if (created.SW == 0x6A89)
            {
                var selected = Send(CommandStorage.SelectEf(Fid));
                ExpectSuccess(selected, $"SELECT of EF {Fid:X4}");
                long size;
                try
                {
                    (size, var flags) = CommandStorage.ParseEfFcp(selected.Data.Span);
                    directAccess = (flags & 0x01) != 0;
                }
                catch (FormatException e)
                {
                    throw new SelfIssuanceException($"EF {Fid:X4} answered an FCP this host cannot read: {e.Message}", lastStatus, e);
                }

                if (size < bytes.Length)
                {
                    ExpectSuccess(Send(CommandStorage.DeleteEf(Fid)), $"DELETE FILE {Fid:X4} ({size} bytes, too small)");
                    created = Send(CommandStorage.CreateEf(Fid, bytes.Length));
                }
            }

            if (created.SW != 0x6A89)
            {
                ExpectSuccess(created, $"CREATE FILE {Fid:X4} of {bytes.Length} bytes");
                directAccess = true;
                confirmedWritten = 0;
                Report(SelfIssuanceStage.FileCreated, $"EF {Fid:X4} created in 7F50, {bytes.Length} bytes");
            }

            if (options.UseMemoryInterface && directAccess && !memoryRefused && connection!.Memory is { } memory)
            {
                WriteThroughMemory(memory, bytes);
            }

            var level = session!.SecurityLevel;
            while (confirmedWritten < bytes.Length)
            {
                var offset = confirmedWritten;
                var chunk = (int)Math.Min(CommandStorage.MaxUpdateBinaryChunk(level, offset), bytes.Length - offset);
                ExpectSuccess(Send(CommandStorage.UpdateBinary(Fid, offset, bytes.AsSpan((int)offset, chunk))), $"UPDATE BINARY {Fid:X4} at {offset}");
                confirmedWritten = offset + chunk;
                Report(SelfIssuanceStage.Writing, $"{confirmedWritten} of {bytes.Length} bytes written");
            }

            writeComplete = true;
            writtenThisRun = true;
            Report(SelfIssuanceStage.Written, $"{bytes.Length} bytes in EF {Fid:X4}{(usedMemory ? " through the memory interface" : "")}");
        }

        private void WriteThroughMemory(IMemoryInterface memory, byte[] bytes)
        {
            var offset = (int)confirmedWritten;
            try
            {
                memory.Write(Fid, offset, bytes.AsSpan(offset));
            }
            catch (MemoryAccessException e) when (e.Error != MemoryAccessError.Busy)
            {
                // Not authorised for this EF or session: UPDATE BINARY reaches the same EF.
                memoryRefused = true;
                Report(SelfIssuanceStage.Writing, $"memory interface refused ({e.Error}: {e.Message}); writing with UPDATE BINARY");
                return;
            }
            catch (MemoryAccessException e)
            {
                throw new SelfIssuanceException($"the memory interface is busy (privileged mode): {e.Message}", lastStatus, e);
            }

            exchanges++;
            bytesToCard += bytes.Length - offset;
            confirmedWritten = bytes.Length;
            usedMemory = true;
        }

        private ResponseApdu Send(CommandApdu command)
        {
            var answer = session!.Transmit(command);
            if (answer.SW == 0x6982)
            {
                throw new SessionLostException($"{Convert.ToHexString(command.ToArray().AsSpan(0, 4))} answered 6982: the card ended the secure channel");
            }

            return answer;
        }

        private void ExpectSuccess(ResponseApdu answer, string what)
        {
            if (answer.SW != 0x9000)
            {
                throw new SelfIssuanceException($"{what} refused: {answer.StatusWord.Describe()}", lastStatus);
            }
        }

        private void Poll(string message, IssuanceStatus? status = null)
        {
            polls++;
            if (polls > options.MaxPolls)
            {
                throw new SelfIssuanceException($"gave up after {options.MaxPolls} polls: {message}", lastStatus);
            }

            Report(SelfIssuanceStage.Polling, message, status);
            if (options.PollInterval > TimeSpan.Zero)
            {
                Thread.Sleep(options.PollInterval);
            }
        }

        private void LoseConnection(Exception e)
        {
            session = null;
            reconnects++;
            if (reconnects > options.MaxReconnects)
            {
                throw new SelfIssuanceException($"gave up after {options.MaxReconnects} reconnections: {e.Message}", lastStatus, e);
            }

            Report(SelfIssuanceStage.ConnectionLost, $"{e.Message}; reconnecting ({reconnects} of {options.MaxReconnects})");
        }

        private void Report(SelfIssuanceStage stage, string message, IssuanceStatus? status = null) =>
            manager.Report(new SelfIssuanceProgress(stage, message, status, confirmedWritten, structure?.Length ?? 0, startAttempts, reconnects));

        private SelfIssuanceSummary Summary(IssuanceState final, TimeSpan measured)
        {
            TimeSpan? modelled = linkBaselines.Count == 0
                ? null
                : linkBaselines.Aggregate(TimeSpan.Zero, (sum, pair) => sum + pair.Key.Statistics.ModelledLinkTime - pair.Value);
            return new SelfIssuanceSummary(
                final,
                header.CommandCount,
                structure!.Length,
                header.IsSealed,
                usedMemory,
                exchanges,
                bytesToCard,
                bytesFromCard,
                startAttempts,
                reconnects,
                sessionRestarts,
                polls,
                modelled,
                measured,
                table);
        }

        private static bool SameFailure(IssuanceStatus a, IssuanceStatus b) =>
            a.State == b.State && a.PrecedingCommands == b.PrecedingCommands && a.FailingCommand == b.FailingCommand
            && a.FailingStatusWord == b.FailingStatusWord && a.Fid == b.Fid;
    }
}

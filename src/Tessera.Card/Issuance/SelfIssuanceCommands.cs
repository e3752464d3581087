using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tessera.Card.FileSystem;
using Tessera.Card.Manager;
using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Issuance;

/// <summary>
/// The self-issuance commands of the ISD (SPEC §4.4): START SELF-ISSUANCE (<c>5A</c>), GET ISSUANCE STATUS (<c>5B</c>),
/// CLEAR ISSUANCE (<c>5C</c>) and CONFIRM ISSUANCE (<c>5D</c>).
/// </summary>
internal static class SelfIssuanceCommands
{
    private static readonly BerTag TagFid = new(0x83);
    private static readonly BerTag TagGroupName = new(0xC0);
    private static readonly BerTag TagReadOffset = new(0xC1);
    private static readonly BerTag TagReadLength = new(0xC2);
    private static readonly BerTag TagStartCommand = new(0xC3);

    /// <summary>START SELF-ISSUANCE <c>80 5A P1 P2</c>: validates everything, then takes the privileged mode.</summary>
    public static CommandResponse Start(IsdCommand command)
    {
        command.RequireGpClass();
        var apdu = command.Apdu;
        var runtime = command.Context.Runtime;
        if (!command.Channel.IsdSecureChannelAuthenticated)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "START SELF-ISSUANCE needs an authenticated ISD secure channel");
        }

        if (command.Manager.CardLifeCycle is LifeCycles.CardLocked or LifeCycles.Terminated)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"the card is {LifeCycles.CardName(command.Manager.CardLifeCycle)}");
        }

        if (apdu.P1 is not (0x00 or 0x01 or 0x80) || apdu.P2 is not (0x00 or 0x01))
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "START P1 must be 00, 01 or 80 and P2 00 or 01");
        }

        if (runtime.Issuance.Privileged)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "a self-issuance is already running");
        }

        var request = StartRequest.Parse(apdu.Data.Span, apdu.P1);
        var nvm = command.Nvm;
        var record = IssuanceRecord.Load(nvm);
        var reported = runtime.Issuance.Reported(record);
        if (reported == IssuanceState.Completed)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "a completed self-issuance awaits CONFIRM or CLEAR");
        }

        var ef = CommandStorageTable.Resolve(runtime.Files, nvm, request.Fid, request.GroupName);
        var (structure, offset, length) = ReadStructure(command, ef, request);
        var hash = SHA256.HashData(nvm.View(ef.Data, (int)offset, length));
        var open = record is not null && reported is IssuanceState.Failed or IssuanceState.Interrupted;
        var sameFile = open && record!.Fid == ef.Fid && record.StructureOffset == offset && record.CommandCount == structure.CommandCount;
        var same = sameFile && record!.StructureLength == length && record.ContentHash.AsSpan().SequenceEqual(hash);

        int startAt;
        ScriptContext context;
        if (apdu.P1 == 0x01)
        {
            // The external device may have corrected commands of the structure (the cause of a failure): P1 01 asks for
            // the same file and the same number of commands, not the same bytes.
            if (!sameFile)
            {
                throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "START P1 01 resumes a failed or interrupted issuance of the same structure, and there is none");
            }

            var limit = record!.Preceding + 1;
            if (request.StartCommand < 1 || request.StartCommand > limit || request.StartCommand > structure.CommandCount)
            {
                throw new IsoException(StatusWords.IncorrectDataField, $"command {request.StartCommand} is outside 1..{Math.Min(limit, structure.CommandCount)}");
            }

            startAt = request.StartCommand;
            context = startAt == record.Preceding + 1 ? record.Context : FunctionStart(runtime);
        }
        else if (apdu.P1 == 0x00 && same)
        {
            startAt = structure.RestartPoint(record!.Preceding);
            context = startAt == record.Preceding + 1 ? record.Context : FunctionStart(runtime);
        }
        else
        {
            if (open && apdu.P1 == 0x00)
            {
                throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "another self-issuance is failed or interrupted: CLEAR it, resume it, or START with P1 80");
            }

            if (nvm.UndoLogActive)
            {
                // P1 80: the earlier issuance's effects stay and become final; its undo log goes, in a step of its own.
                nvm.DiscardUndoLog();
                IssuanceRecord.SaveApplicationsBefore(nvm, []);
                (record! with { State = IssuanceState.None }).Save(nvm);
                nvm.CommitAtomic();
                nvm.BeginAtomic();
            }

            // Command storage EFs are outside what CLEAR restores (SPEC §4.6): their bytes cost the undo log nothing. The
            // key sets (SCP03 counters move with every session) and the issuance record must stay writable while the
            // issuance is open, so their pages are saved at once.
            var storageData = runtime.Files.CommandStorage.Children.Where(f => !f.IsDf && !f.Data.IsNone).Select(f => f.Data).ToList();
            var writable = new[] { ManagerSlots.KeySets, ManagerSlots.Issuance, ManagerSlots.IssuanceKey }
                .Select(nvm.GetRoot).Where(h => !h.IsNone).ToList();
            nvm.BeginUndoLog(storageData, writable);
            startAt = 1;
            context = new ScriptContext(runtime.Files.Mf.NodeId, null, null, null, 0);
            var applications = command.Manager.RegistryEntries.Where(e => e.IsApplication).Select(e => e.Aid).ToList();
            IssuanceRecord.SaveApplicationsBefore(nvm, applications);
            record = new IssuanceRecord(IssuanceState.Running, ef.Fid, offset, (uint)length, hash, structure.CommandCount, 0, 0, 0, 0, 0, context);
        }

        (record! with
        {
            State = IssuanceState.Running,
            StructureLength = (uint)length,
            ContentHash = hash,
            Preceding = startAt - 1,
            FailingCommand = 0,
            FailingHeader = 0,
            FailingStatus = 0,
            ResumeAt = 0,
        }).Save(nvm);
        runtime.Issuance.Begin(structure, startAt, context, command.Context.Interface);
        if (apdu.P2 == 0x01)
        {
            runtime.Issuance.BackgroundRequested = true;
            return CommandResponse.WithData(IssuanceRecord.StatusTemplate(IssuanceRecord.Load(nvm), IssuanceState.Running));
        }

        runtime.Issuance.InlineRequested = true;
        return CommandResponse.Ok;
    }

    /// <summary>The answer of a START with P2 <c>00</c> once its issuance has ended: <c>E5</c> with 9000 or 6300.</summary>
    public static CommandResponse FinalAnswer(CardRuntime runtime)
    {
        var record = IssuanceRecord.Load(runtime.Nvm);
        var reported = runtime.Issuance.Reported(record);
        var sw = reported == IssuanceState.Completed ? StatusWords.Success : StatusWords.WarningNvmChanged;
        return new CommandResponse(IssuanceRecord.StatusTemplate(record, reported), sw);
    }

    /// <summary>GET ISSUANCE STATUS <c>80 5B 00 00 00</c>: the status template <c>E5</c>.</summary>
    public static CommandResponse GetStatus(IsdCommand command)
    {
        RequireSession(command);
        if (command.Apdu.Nc != 0)
        {
            throw new IsoException(StatusWords.WrongLength, "GET ISSUANCE STATUS takes no data");
        }

        var record = IssuanceRecord.Load(command.Nvm);
        return CommandResponse.WithData(IssuanceRecord.StatusTemplate(record, command.Context.Runtime.Issuance.Reported(record)));
    }

    /// <summary>
    /// CLEAR ISSUANCE <c>80 5C 00 00</c>: puts back the card content of before the issuance's first command (one atomic
    /// unit) and sets the state cleared. The sequence counters of the key sets keep their current values (a card
    /// challenge must never repeat), and so does the card's issuance key pair. Refused while the card is locked.
    /// </summary>
    public static CommandResponse Clear(IsdCommand command)
    {
        RequireSession(command);
        command.RequireContentChangeAllowed();
        var nvm = command.Nvm;
        var runtime = command.Context.Runtime;
        var record = IssuanceRecord.Load(nvm);
        var reported = runtime.Issuance.Reported(record);
        if (reported is not (IssuanceState.Failed or IssuanceState.Interrupted or IssuanceState.Completed) || !nvm.UndoLogActive)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"there is no failed, interrupted or completed issuance to clear (state {reported})");
        }

        var counters = KeyStore.Load(nvm).ToDictionary(k => k.Kvn, k => k.Counter);
        var issuanceKey = BlobCodec.Read(nvm, ManagerSlots.IssuanceKey);
        nvm.RestoreUndoLog();

        // The card's issuance key pair stays: structures may already be sealed to a public key read while this was open.
        if (issuanceKey is not null)
        {
            BlobCodec.Write(nvm, ManagerSlots.IssuanceKey, issuanceKey);
        }

        var sets = KeyStore.Load(nvm).Select(k => counters.TryGetValue(k.Kvn, out var c) && c > k.Counter ? k with { Counter = c } : k).ToList();
        KeyStore.Save(nvm, sets);
        (record! with { State = IssuanceState.Cleared, Preceding = 0, FailingCommand = 0, FailingHeader = 0, FailingStatus = 0, ResumeAt = 0 }).Save(nvm);
        runtime.ReloadFromNvm();
        return CommandResponse.Ok;
    }

    /// <summary>CONFIRM ISSUANCE <c>80 5D 00 00</c>: the completed issuance becomes final (its applications selectable).</summary>
    public static CommandResponse Confirm(IsdCommand command)
    {
        RequireSession(command);
        var nvm = command.Nvm;
        var record = IssuanceRecord.Load(nvm);
        if (command.Context.Runtime.Issuance.Reported(record) != IssuanceState.Completed)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "only a completed issuance can be confirmed");
        }

        nvm.DiscardUndoLog();
        IssuanceRecord.SaveApplicationsBefore(nvm, []);
        (record! with { State = IssuanceState.Confirmed }).Save(nvm);
        return CommandResponse.Ok;
    }

    /// <summary>
    /// The context a resume at an earlier recovery point starts in: MF current, the ISD selected, no personalization
    /// target (a function that starts at a recovery point establishes its own context).
    /// </summary>
    private static ScriptContext FunctionStart(CardRuntime runtime) => ScriptContext.Initial with { CurrentDf = runtime.Files.Mf.NodeId };

    private static void RequireSession(IsdCommand command)
    {
        command.RequireGpClass();
        command.RequireP1P2(0x00, 0x00);
        command.RequireAuthenticated();
    }

    private static (SimultaneousCommand Structure, uint Offset, int Length) ReadStructure(IsdCommand command, CardFile ef, StartRequest request)
    {
        var nvm = command.Nvm;
        var offset = request.ReadOffset;
        if (offset >= (uint)ef.Size)
        {
            throw new IsoException(StatusWords.IncorrectDataField, $"read offset {offset} is outside the {ef.Size}-byte EF");
        }

        var available = ef.Size - (int)offset;
        if (request.ReadLength is { } asked && asked > (uint)available)
        {
            throw new IsoException(StatusWords.IncorrectDataField, $"read length {asked} runs past the end of the {ef.Size}-byte EF");
        }

        var window = (int)(request.ReadLength ?? (uint)available);
        var header = nvm.View(ef.Data, (int)offset, Math.Min(window, SimultaneousCommand.HeaderLength));
        if (!SimultaneousCommand.TryReadHeader(header, out var flags, out var reason))
        {
            throw new IsoException(StatusWords.IncorrectDataField, $"malformed simultaneous command: {reason}");
        }

        SimultaneousCommand? structure;
        if ((flags & SimultaneousCommand.FlagSealed) != 0)
        {
            using var key = IssuanceKeyStore.Load(nvm)
                ?? throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "this card has no issuance key pair");
            if (!SimultaneousCommand.TryOpenSealed(nvm.View(ef.Data, (int)offset, window), key, offset, out structure, out reason))
            {
                throw new IsoException(StatusWords.IncorrectDataField, $"sealed simultaneous command refused: {reason}");
            }

            return (structure!, offset, window);
        }

        // Direct reference (SPEC §4.8): the commands are views of the committed EF bytes, read in place.
        var view = nvm.ViewCommitted(ef.Data, (int)offset, window);
        if (!SimultaneousCommand.TryParse(view, exactLength: request.ReadLength is not null, offset, out structure, out reason))
        {
            throw new IsoException(StatusWords.IncorrectDataField, $"malformed simultaneous command: {reason}");
        }

        return (structure!, offset, structure!.Length);
    }

    /// <summary>The TLV data of START (SPEC §4.4).</summary>
    private sealed record StartRequest(ushort? Fid, string? GroupName, uint ReadOffset, uint? ReadLength, int StartCommand)
    {
        public static StartRequest Parse(ReadOnlySpan<byte> data, byte p1)
        {
            ushort? fid = null;
            string? name = null;
            uint offset = 0;
            uint? length = null;
            int? start = null;
            try
            {
                var reader = new BerTlvReader(data.ToArray());
                var seen = new HashSet<BerTag>();
                while (reader.HasData)
                {
                    var tag = reader.PeekTag();
                    var value = reader.ReadValue(tag).Span;
                    if (!seen.Add(tag))
                    {
                        throw Wrong($"tag {tag} appears twice");
                    }

                    if (tag == TagFid && value.Length == 2)
                    {
                        fid = BinaryPrimitives.ReadUInt16BigEndian(value);
                    }
                    else if (tag == TagGroupName && value.Length is > 0 and <= 64)
                    {
                        name = Encoding.UTF8.GetString(value);
                    }
                    else if (tag == TagReadOffset && value.Length == 4)
                    {
                        offset = BinaryPrimitives.ReadUInt32BigEndian(value);
                    }
                    else if (tag == TagReadLength && value.Length == 4)
                    {
                        length = BinaryPrimitives.ReadUInt32BigEndian(value);
                    }
                    else if (tag == TagStartCommand && value.Length == 2)
                    {
                        start = BinaryPrimitives.ReadUInt16BigEndian(value);
                    }
                    else
                    {
                        throw Wrong($"tag {tag} with {value.Length} bytes is not a START data object");
                    }
                }
            }
            catch (FormatException e)
            {
                throw Wrong($"START data is not BER-TLV: {e.Message}");
            }

            if (fid is not null && name is not null)
            {
                throw Wrong("START names both an EF (83) and a command group (C0)");
            }

            if (p1 == 0x01 && start is null)
            {
                throw Wrong("START P1 01 needs the command number to start at (C3)");
            }

            if (p1 != 0x01 && start is not null)
            {
                throw Wrong("C3 (start command) is only for START P1 01");
            }

            return new StartRequest(fid, name, offset, length, start ?? 0);
        }

        private static IsoException Wrong(string reason) => new(StatusWords.IncorrectDataField, reason);
    }
}

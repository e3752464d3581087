using Tessera.Card.Manager;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Issuance;

/// <summary>The issuance states of the <c>E5</c> template (SPEC §4.4).</summary>
public enum IssuanceState : byte
{
    None = 0x00,
    Running = 0x01,
    Completed = 0x02,
    Failed = 0x03,
    Interrupted = 0x04,
    Confirmed = 0x05,
    Cleared = 0x06,
}

/// <summary>
/// Where the script's own selection context stood after the last completed command (the current DF and EF of its
/// channel, the application selected there, the target of INSTALL [for personalization] and the next STORE DATA block),
/// so that a resume at the next command continues in the same context.
/// </summary>
internal sealed record ScriptContext(ushort CurrentDf, ushort? CurrentEf, Aid? SelectedApplication, Aid? PersonalizationTarget, int StoreDataNextBlock)
{
    public static readonly ScriptContext Initial = new(0, null, null, null, 0);
}

/// <summary>
/// The persistent record of the current (or last) self-issuance, root slot <see cref="ManagerSlots.Issuance"/>. It is
/// rewritten in the atomic unit of every issuance command, so the number of preceding commands always says exactly
/// which commands took effect (SPEC §4.5). NVM says <see cref="IssuanceState.Running"/> while commands run; a card
/// that finds it so without a running engine reports <see cref="IssuanceState.Interrupted"/>.
/// </summary>
internal sealed record IssuanceRecord(
    IssuanceState State,
    ushort Fid,
    uint StructureOffset,
    uint StructureLength,
    byte[] ContentHash,
    int CommandCount,
    int Preceding,
    int FailingCommand,
    uint FailingHeader,
    ushort FailingStatus,
    int ResumeAt,
    ScriptContext Context)
{
    private const byte Version = 1;

    /// <summary>An issuance whose effects are not final yet: CLEAR may undo them, applications it installed stay hidden.</summary>
    public bool IsOpen => State is IssuanceState.Running or IssuanceState.Completed or IssuanceState.Failed or IssuanceState.Interrupted;

    public static IssuanceRecord? Load(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.Issuance);
        if (bytes is null)
        {
            return null;
        }

        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown issuance record version");
        }

        var state = (IssuanceState)r.U8();
        var fid = (ushort)r.U16();
        var offset = r.U32();
        var length = r.U32();
        var hash = r.Raw(HashLength);
        var m = r.U16();
        var preceding = r.U16();
        var failing = r.U16();
        var header = r.U32();
        var sw = (ushort)r.U16();
        var resumeAt = r.U16();
        var df = (ushort)r.U16();
        var ef = (ushort)r.U16();
        var selected = FixedAid(r);
        var target = FixedAid(r);
        var nextBlock = r.U16();
        var context = new ScriptContext(df, ef == 0xFFFF ? null : ef, selected, target, nextBlock);
        return new IssuanceRecord(state, fid, offset, length, hash, m, preceding, failing, header, sw, resumeAt, context);
    }

    /// <summary>
    /// Writes the record. It has a fixed length, so it is rewritten in place (the record exists from card creation and
    /// CLEAR leaves the heap exactly as before); the list of applications that existed before the issuance lives in
    /// its own slot, written only when it changes.
    /// </summary>
    public void Save(NonVolatileMemory nvm)
    {
        var hash = new byte[HashLength];
        ContentHash.AsSpan(0, Math.Min(HashLength, ContentHash.Length)).CopyTo(hash);
        var w = new RecordWriter().U8(Version).U8((byte)State).U16(Fid).U32(StructureOffset).U32(StructureLength).Raw(hash)
            .U16(CommandCount).U16(Preceding).U16(FailingCommand).U32(FailingHeader).U16(FailingStatus).U16(ResumeAt)
            .U16(Context.CurrentDf).U16(Context.CurrentEf ?? 0xFFFF);
        FixedAid(w, Context.SelectedApplication);
        FixedAid(w, Context.PersonalizationTarget);
        w.U16(Context.StoreDataNextBlock);
        BlobCodec.Write(nvm, ManagerSlots.Issuance, w.ToArray());
    }

    /// <summary>The applications that existed before the open issuance (read only by SELECT from outside).</summary>
    public static HashSet<Aid> LoadApplicationsBefore(NonVolatileMemory nvm)
    {
        var before = new HashSet<Aid>();
        if (BlobCodec.Read(nvm, ManagerSlots.IssuanceApplicationsBefore) is { } list)
        {
            var r = new RecordReader(list);
            for (var n = r.U16(); n > 0; n--)
            {
                before.Add(new Aid(r.Lv()));
            }
        }

        return before;
    }

    /// <summary>Records the applications that exist before an issuance (they stay selectable while it is open).</summary>
    public static void SaveApplicationsBefore(NonVolatileMemory nvm, IReadOnlyList<Aid> applications)
    {
        if (applications.Count == 0)
        {
            BlobCodec.Clear(nvm, ManagerSlots.IssuanceApplicationsBefore);
            return;
        }

        var w = new RecordWriter().U16(applications.Count);
        foreach (var aid in applications)
        {
            w.Lv(aid.Span);
        }

        BlobCodec.Write(nvm, ManagerSlots.IssuanceApplicationsBefore, w.ToArray());
    }

    /// <summary>The record of a card that never ran an issuance (written at card creation).</summary>
    public static IssuanceRecord Empty => new(IssuanceState.None, 0, 0, 0, new byte[HashLength], 0, 0, 0, 0, 0, 0, ScriptContext.Initial);

    private const int HashLength = 32;

    private static void FixedAid(RecordWriter w, Aid? aid)
    {
        var bytes = new byte[1 + Aid.MaxLength];
        if (aid is { } a)
        {
            bytes[0] = (byte)a.Length;
            a.Span.CopyTo(bytes.AsSpan(1));
        }

        w.Raw(bytes);
    }

    private static Aid? FixedAid(RecordReader r)
    {
        var bytes = r.Raw(1 + Aid.MaxLength);
        return bytes[0] == 0 ? null : new Aid(bytes.AsSpan(1, bytes[0]));
    }

    /// <summary>The status template <c>E5</c> (SPEC §4.4) for a reported state.</summary>
    public static byte[] StatusTemplate(IssuanceRecord? record, IssuanceState reported)
    {
        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0xE5)))
        {
            w.Write(new BerTag(0xC0), [(byte)reported]);
            w.Write(new BerTag(0xC1), U16(record?.Preceding ?? 0));
            w.Write(new BerTag(0xC2), U16(record?.CommandCount ?? 0));
            if (record is not null && reported == IssuanceState.Failed)
            {
                w.Write(new BerTag(0xC3), U16(record.FailingCommand));
                w.Write(new BerTag(0xC4), [(byte)(record.FailingHeader >> 24), (byte)(record.FailingHeader >> 16), (byte)(record.FailingHeader >> 8), (byte)record.FailingHeader]);
                w.Write(new BerTag(0xC5), U16(record.FailingStatus));
            }

            if (record is not null && reported is IssuanceState.Failed or IssuanceState.Interrupted)
            {
                w.Write(new BerTag(0xC6), U16(record.ResumeAt));
            }

            if (record is not null && reported != IssuanceState.None)
            {
                w.Write(new BerTag(0x83), U16(record.Fid));
            }
        }

        return w.ToArray();
    }

    private static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];
}

using System.Security.Cryptography;
using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// LOAD (GPCS §11.6): <c>80 E8 P1 block Lc data</c> after INSTALL [for load]; P1 <c>00</c> more blocks, <c>80</c> last;
/// blocks numbered <c>00</c>, <c>01</c>, … wrapping from <c>FF</c> to <c>00</c> (a wrong number → <c>6A86</c>, the
/// load stays where it was); short or extended length. The Load File is <c>[E2 DAP blocks…] C4 Load-File-Data-Block</c>;
/// at the last block the applet runtime inspects the LFDB and its package AID must equal the INSTALL [for load] AID.
/// Otherwise <c>6A80</c> and the load is discarded (nothing of it remains in NVM). Answer <c>00</c>.
/// <para>
/// Storage: every block is kept as it arrives, one NVM chunk per block (<see cref="PendingLoad"/>); the last block
/// adds its own chunk and registers a small index of the chunks (<see cref="LoadFileStorage"/>). So a LOAD writes
/// about one block of data, whatever the size of the load file.
/// </para>
/// </summary>
internal static class LoadCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireManagement();
        var apdu = command.Apdu;
        var nvm = command.Nvm;
        var pending = PendingLoad.Load(nvm) ?? throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "LOAD without INSTALL [for load]");
        if (apdu.P1 is not (0x00 or 0x80))
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "LOAD P1 must be 00 (more blocks) or 80 (last block)");
        }

        if (apdu.P2 != (byte)pending.NextBlock)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, $"LOAD block {apdu.P2:X2} where {(byte)pending.NextBlock:X2} was expected");
        }

        if (apdu.Nc == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "a LOAD block carries data");
        }

        var runtime = InstallCommand.RequireAppletRuntime(command);
        if (apdu.P1 == 0x00)
        {
            if (pending.Chunks.Count + 1 >= LoadFileStorage.MaxChunks)
            {
                throw new IsoException(StatusWords.NotEnoughMemory, $"a load file is at most {LoadFileStorage.MaxChunks} LOAD blocks");
            }

            var chunk = nvm.Allocate(apdu.Nc);
            nvm.Write(chunk, 0, apdu.Data.Span);
            (pending with { NextBlock = pending.NextBlock + 1, Chunks = [.. pending.Chunks, chunk] }).Save(nvm);
            return CommandResponse.WithData(new byte[] { 0x00 });
        }

        if (pending.LoadFileAid == command.Manager.IsdAid || Registry.Load(nvm).Any(e => e.Aid == pending.LoadFileAid))
        {
            // An application took the AID after INSTALL [for load]: refused without effect, the load stays in progress.
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"AID {pending.LoadFileAid} is in the registry since INSTALL [for load]");
        }

        byte[] loadFile = [.. pending.Received(nvm), .. apdu.Data.Span];
        int offset;
        try
        {
            offset = LoadFileDataBlockOffset(loadFile);
            var info = runtime.Inspect(loadFile.AsMemory(offset));
            if (info.PackageAid != pending.LoadFileAid)
            {
                throw IsdCommand.WrongData($"the load file declares package {info.PackageAid}, INSTALL [for load] named {pending.LoadFileAid}");
            }

            Register(command, pending, info, offset, SHA256.HashData(loadFile.AsSpan(offset)));
            return CommandResponse.WithData(new byte[] { 0x00 });
        }
        catch (IsoException e) when (e.StatusWord == StatusWords.IncorrectDataField)
        {
            // SPEC §3: a load file that is not accepted leaves nothing behind; keep the discarding of the load.
            PendingLoad.Discard(nvm);
            command.Context.KeepEffectsOnError = true;
            return CommandResponse.Status(StatusWords.IncorrectDataField);
        }
    }

    /// <summary>
    /// Stores the last block as the final chunk, drops leading chunks that hold only DAP blocks and the <c>C4</c>
    /// header, writes the load file index and the registry entry, and ends the load in progress (its chunks now
    /// belong to the load file).
    /// </summary>
    private static void Register(IsdCommand command, PendingLoad pending, LoadFileInfo info, int offset, byte[] sha256)
    {
        var nvm = command.Nvm;
        var data = command.Apdu.Data.Span;
        var last = nvm.Allocate(data.Length);
        nvm.Write(last, 0, data);
        var chunks = new List<NvmHandle>(pending.Chunks) { last };
        while (offset >= nvm.LengthOf(chunks[0]))
        {
            offset -= nvm.LengthOf(chunks[0]);
            nvm.Free(chunks[0]);
            chunks.RemoveAt(0);
        }

        var index = LoadFileStorage.Create(nvm, chunks, offset, sha256);
        var registry = Registry.Load(nvm);
        registry.Add(new RegistryEntry(RegistryEntryKind.LoadFile, pending.LoadFileAid, LifeCycles.Loaded, [0, 0, 0], default, default, [.. info.ModuleAids], index));
        Registry.Save(nvm, registry);
        PendingLoad.Clear(nvm);
    }

    /// <summary>
    /// Where the value of <c>C4</c> starts in <c>[E2 …]* C4 LFDB</c> (it runs to the end); anything else (ciphered
    /// D3/D4 included, or an empty LFDB) → <c>6A80</c>.
    /// </summary>
    private static int LoadFileDataBlockOffset(byte[] loadFile)
    {
        try
        {
            var reader = new BerTlvReader(loadFile);
            while (reader.HasData && reader.PeekTag() == new BerTag(0xE2))
            {
                reader.ReadElement();
            }

            var lfdb = reader.ReadValue(new BerTag(0xC4));
            reader.ThrowIfNotEmpty();
            return lfdb.Length > 0 ? loadFile.Length - lfdb.Length : throw IsdCommand.WrongData("the Load File Data Block is empty");
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"the load file is not [E2…] C4 LFDB: {e.Message}");
        }
    }
}

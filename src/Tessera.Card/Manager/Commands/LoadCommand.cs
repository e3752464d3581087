using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// LOAD (GPCS §11.6): <c>80 E8 P1 block Lc data</c> after INSTALL [for load]; P1 <c>00</c> more blocks, <c>80</c> last;
/// blocks numbered <c>00</c>, <c>01</c>, … (a wrong number → <c>6A86</c>, the load stays where it was); short or
/// extended length. The Load File is <c>[E2 DAP blocks…] C4 Load-File-Data-Block</c>; at the last block the applet
/// runtime inspects the LFDB and its package AID must equal the INSTALL [for load] AID. Otherwise <c>6A80</c> and the
/// load is discarded (nothing of it remains in NVM). Answer <c>00</c>.
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

        if (apdu.P2 != pending.NextBlock)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, $"LOAD block {apdu.P2:X2} where {pending.NextBlock:X2} was expected");
        }

        if (apdu.Nc == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "a LOAD block carries data");
        }

        var runtime = InstallCommand.RequireAppletRuntime(command);
        if (apdu.P1 == 0x00)
        {
            if (pending.NextBlock == 0xFF)
            {
                throw new IsoException(StatusWords.IncorrectP1P2, "block FF must be the last one");
            }

            var chunk = nvm.Allocate(apdu.Nc);
            nvm.Write(chunk, 0, apdu.Data.Span);
            (pending with { NextBlock = pending.NextBlock + 1, Chunks = [.. pending.Chunks, chunk] }).Save(nvm);
            return CommandResponse.WithData(new byte[] { 0x00 });
        }

        byte[] loadFile = [.. pending.Received(nvm), .. apdu.Data.Span];
        PendingLoad.Discard(nvm);
        try
        {
            var lfdb = LoadFileDataBlock(loadFile);
            var info = runtime.Inspect(lfdb);
            if (info.PackageAid != pending.LoadFileAid)
            {
                throw IsdCommand.WrongData($"the load file declares package {info.PackageAid}, INSTALL [for load] named {pending.LoadFileAid}");
            }

            var block = nvm.Allocate(lfdb.Length);
            nvm.Write(block, 0, lfdb);
            var registry = Registry.Load(nvm);
            registry.Add(new RegistryEntry(RegistryEntryKind.LoadFile, pending.LoadFileAid, LifeCycles.Loaded, [0, 0, 0], default, default, [.. info.ModuleAids], block));
            Registry.Save(nvm, registry);
            return CommandResponse.WithData(new byte[] { 0x00 });
        }
        catch (IsoException e) when (e.StatusWord == StatusWords.IncorrectDataField)
        {
            // SPEC §3: a load file that is not accepted leaves nothing behind; keep the discarding of the load.
            command.Context.KeepEffectsOnError = true;
            return CommandResponse.Status(StatusWords.IncorrectDataField);
        }
    }

    /// <summary>The value of <c>C4</c> in <c>[E2 …]* C4 LFDB</c>; anything else (ciphered D3/D4 included) → <c>6A80</c>.</summary>
    private static byte[] LoadFileDataBlock(byte[] loadFile)
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
            return lfdb.ToArray();
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"the load file is not [E2…] C4 LFDB: {e.Message}");
        }
    }
}

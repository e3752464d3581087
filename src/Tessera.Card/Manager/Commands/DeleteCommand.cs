using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// DELETE (GPCS §11.2): <c>80 E4 00 P2 Lc 4F AID [B6 …] [9E …]</c> deletes an application instance, or a load file
/// (P2 <c>00</c>: only when no instance of it exists; P2 <c>80</c>: with its instances). <c>D2 KVN</c> deletes a key
/// set (not the last one). The ISD and a selected application cannot be deleted (<c>6985</c>); unknown AID or KVN
/// <c>6A88</c>. Answer <c>00</c>. Deleting a load file frees its index and every chunk (<see cref="LoadFileStorage"/>),
/// and each instance frees its state, all in the command's one atomic unit.
/// </summary>
internal static class DeleteCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireManagement();
        var apdu = command.Apdu;
        if (apdu.P1 != 0x00 || apdu.P2 is not (0x00 or 0x80))
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "DELETE: P1 00 (no chaining), P2 00 or 80");
        }

        ReadOnlyMemory<byte>? aid = null, kvn = null;
        try
        {
            var reader = new BerTlvReader(apdu.Data);
            if (!reader.HasData)
            {
                throw IsdCommand.WrongData("DELETE needs 4F AID or D2 KVN");
            }

            while (reader.HasData)
            {
                var element = reader.ReadElement();
                switch (element.Tag.Value)
                {
                    case 0x4F when aid is null && kvn is null:
                        aid = element.Value;
                        break;
                    case 0xD2 when aid is null && kvn is null && element.Value.Length == 1:
                        kvn = element.Value;
                        break;
                    case 0xB6 or 0x9E:
                        break;
                    default:
                        throw IsdCommand.WrongData($"DELETE does not take {element.Tag} here");
                }
            }
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"DELETE data: {e.Message}");
        }

        if (kvn is { } k)
        {
            DeleteKeySet(command, k.Span[0]);
        }
        else if (!Aid.TryCreate(aid!.Value.Span, out var target))
        {
            throw IsdCommand.WrongData("4F must hold an AID of 5 to 16 bytes");
        }
        else
        {
            DeleteObject(command, target, apdu.P2 == 0x80);
        }

        return CommandResponse.WithData(new byte[] { 0x00 });
    }

    private static void DeleteKeySet(IsdCommand command, byte kvn)
    {
        var sets = KeyStore.Load(command.Nvm).ToList();
        if (sets.RemoveAll(s => s.Kvn == kvn) == 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"no key set with KVN {kvn:X2}");
        }

        if (sets.Count == 0)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the last key set cannot be deleted");
        }

        KeyStore.Save(command.Nvm, sets);
    }

    private static void DeleteObject(IsdCommand command, Aid target, bool withRelated)
    {
        var manager = command.Manager;
        if (target == manager.IsdAid)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the ISD cannot be deleted");
        }

        var registry = Registry.Load(command.Nvm);
        var entry = registry.FirstOrDefault(e => e.Aid == target) ?? throw new IsoException(StatusWords.ReferencedDataNotFound, $"no registry entry {target}");
        var doomed = entry.IsApplication ? [entry] : registry.Where(e => e.IsApplication && e.LoadFileAid == target).ToList();
        if (!entry.IsApplication && doomed.Count > 0 && !withRelated)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"load file {target} still has instances (use P2 80)");
        }

        foreach (var application in doomed)
        {
            if (manager.IsSelected(application.Aid))
            {
                throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"application {application.Aid} is selected");
            }

            manager.Runtime.AppletRuntime?.Uninstall(application.Aid, application.Block);
            manager.Forget(application.Aid);
            registry.Remove(application);
        }

        if (!entry.IsApplication)
        {
            LoadFileStorage.Free(command.Nvm, entry.Block);
            registry.Remove(entry);
        }

        Registry.Save(command.Nvm, registry);
    }
}

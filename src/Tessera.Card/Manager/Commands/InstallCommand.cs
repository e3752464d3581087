using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// INSTALL (GPCS §11.5), P2 <c>00</c>, no chaining: P1 <c>02</c> [for load], <c>04</c> [for install], <c>0C</c>
/// [for install and make selectable], <c>08</c> [for make selectable], <c>20</c> [for personalization]. Answer
/// <c>00</c>. An AID already in the registry → <c>6985</c>; a load file, module or application not found →
/// <c>6A88</c>; no applet runtime → <c>6A81</c>.
/// </summary>
internal static class InstallCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireManagement();
        var apdu = command.Apdu;
        if (apdu.P2 != 0x00)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "INSTALL P2 must be 00");
        }

        var fields = new LvCursor(apdu.Data.Span);
        switch (apdu.P1)
        {
            case 0x02:
                ForLoad(command, ref fields);
                break;
            case 0x04:
            case 0x0C:
                ForInstall(command, ref fields, apdu.P1 == 0x0C);
                break;
            case 0x08:
                ForMakeSelectable(command, ref fields);
                break;
            case 0x20:
                ForPersonalization(command, ref fields);
                break;
            default:
                throw new IsoException(StatusWords.IncorrectP1P2, $"INSTALL P1 {apdu.P1:X2} is not supported (02, 04, 08, 0C, 20)");
        }

        return CommandResponse.WithData(new byte[] { 0x00 });
    }

    internal static IAppletRuntime RequireAppletRuntime(IsdCommand command) =>
        command.Manager.Runtime.AppletRuntime
        ?? throw new IsoException(StatusWords.FunctionNotSupported, "this card has no applet runtime: load files cannot be loaded or instantiated");

    private static void ForLoad(IsdCommand command, ref LvCursor fields)
    {
        var loadFile = fields.NextAid("load file AID")!.Value;
        var domain = fields.NextAid("security domain AID", optional: true);
        fields.Next("load file data block hash", 0, 0x7F);
        fields.Next("load parameters");
        fields.Next("load token");
        fields.End();
        if (domain is { } sd && sd != command.Manager.IsdAid)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"no security domain {sd}");
        }

        RequireAppletRuntime(command);
        RequireUnused(command, loadFile);
        PendingLoad.Discard(command.Nvm);
        new PendingLoad(loadFile, 0, []).Save(command.Nvm);
    }

    private static void ForInstall(IsdCommand command, ref LvCursor fields, bool makeSelectable)
    {
        var loadFileAid = fields.NextAid("load file AID")!.Value;
        var moduleAid = fields.NextAid("module AID")!.Value;
        var instanceAid = fields.NextAid("application AID")!.Value;
        var privileges = Privileges.Normalize(fields.Next("privileges", 1, 3)) ?? throw IsdCommand.WrongData("privileges are 1 or 3 bytes");
        var parameters = InstallParameters(fields.Next("install parameters", 2));
        fields.Next("install token");
        fields.End();
        if ((privileges[0] & Privileges.SecurityDomain) != 0)
        {
            throw IsdCommand.WrongData("supplementary security domains are not supported");
        }

        var runtime = RequireAppletRuntime(command);
        var registry = Registry.Load(command.Nvm);
        var loadFile = registry.FirstOrDefault(e => e.Kind == RegistryEntryKind.LoadFile && e.Aid == loadFileAid)
            ?? throw new IsoException(StatusWords.ReferencedDataNotFound, $"no load file {loadFileAid}");
        if (!loadFile.Modules.Contains(moduleAid))
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"load file {loadFileAid} has no module {moduleAid}");
        }

        RequireUnused(command, instanceAid);
        var state = runtime.Install(loadFile.Block, moduleAid, instanceAid, parameters);
        registry.Add(new RegistryEntry(
            RegistryEntryKind.Application,
            instanceAid,
            makeSelectable ? LifeCycles.Selectable : LifeCycles.Installed,
            privileges,
            loadFileAid,
            moduleAid,
            [],
            state));
        Registry.Save(command.Nvm, registry);
    }

    private static void ForMakeSelectable(IsdCommand command, ref LvCursor fields)
    {
        fields.NextEmpty("load file AID");
        fields.NextEmpty("module AID");
        var aid = fields.NextAid("application AID")!.Value;
        fields.Next("privileges", 0, 3);
        fields.Next("make selectable parameters");
        fields.Next("make selectable token");
        fields.End();
        var registry = Registry.Load(command.Nvm);
        var index = registry.FindIndex(e => e.IsApplication && e.Aid == aid);
        if (index < 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"no application {aid}");
        }

        if (registry[index].LifeCycle != LifeCycles.Installed)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"application {aid} is not in state INSTALLED");
        }

        registry[index] = registry[index] with { LifeCycle = LifeCycles.Selectable };
        Registry.Save(command.Nvm, registry);
    }

    private static void ForPersonalization(IsdCommand command, ref LvCursor fields)
    {
        fields.NextEmpty("load file AID");
        fields.NextEmpty("module AID");
        var aid = fields.NextAid("application AID")!.Value;
        fields.NextEmpty("privileges");
        fields.NextEmpty("parameters");
        fields.NextEmpty("token");
        fields.End();
        var entry = Registry.Load(command.Nvm).FirstOrDefault(e => e.IsApplication && e.Aid == aid)
            ?? throw new IsoException(StatusWords.ReferencedDataNotFound, $"no application {aid}");
        if (LifeCycles.IsLocked(entry.LifeCycle))
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"application {aid} is LOCKED");
        }

        RequireAppletRuntime(command);
        command.State.PersonalizationTarget = aid;
        command.State.StoreDataNextBlock = 0;
    }

    /// <summary>Install parameters: <c>C9</c> (mandatory; its value goes to the applet), optional <c>EF</c>, <c>EA</c>, <c>B6</c>.</summary>
    private static byte[] InstallParameters(ReadOnlySpan<byte> field)
    {
        byte[]? c9 = null;
        try
        {
            var reader = new BerTlvReader(field.ToArray());
            while (reader.HasData)
            {
                var element = reader.ReadElement();
                switch (element.Tag.Value)
                {
                    case 0xC9 when c9 is null:
                        c9 = element.Value.ToArray();
                        break;
                    case 0xEF or 0xEA or 0xB6:
                        break;
                    default:
                        throw IsdCommand.WrongData($"install parameters do not take {element.Tag}");
                }
            }
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"install parameters: {e.Message}");
        }

        return c9 ?? throw IsdCommand.WrongData("install parameters need C9");
    }

    private static void RequireUnused(IsdCommand command, Aid aid)
    {
        if (aid == command.Manager.IsdAid || Registry.Load(command.Nvm).Any(e => e.Aid == aid))
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"AID {aid} is already in the registry");
        }
    }
}

using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

public enum RegistryEntryKind : byte
{
    /// <summary>An executable load file; <see cref="RegistryEntry.Block"/> is its index (<see cref="Runtime.LoadFileStorage"/>).</summary>
    LoadFile = 1,

    /// <summary>An application instance; <see cref="RegistryEntry.Block"/> is its persistent state root.</summary>
    Application = 2,
}

/// <summary>
/// One GlobalPlatform registry entry. A load file has its module AIDs; an application has its load file, module,
/// privileges and life cycle. The ISD has no stored entry: it is described by the card state.
/// </summary>
public sealed record RegistryEntry(
    RegistryEntryKind Kind,
    Aid Aid,
    byte LifeCycle,
    byte[] Privileges,
    Aid LoadFileAid,
    Aid ModuleAid,
    IReadOnlyList<Aid> Modules,
    NvmHandle Block)
{
    public bool IsApplication => Kind == RegistryEntryKind.Application;

    public string Describe() => Kind == RegistryEntryKind.LoadFile
        ? $"loadfile {Aid} lc={LifeCycle:X2} modules={string.Join(',', Modules)} block={Block}"
        : $"app {Aid} lc={LifeCycle:X2} priv={Convert.ToHexString(Privileges)} elf={LoadFileAid} module={ModuleAid} state={Block}";
}

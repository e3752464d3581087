using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// What the card manager (ISD) needs from the applet runtime: inspecting a load file, creating, opening and removing
/// applet instances. The ISD owns the registry and stores each load file in NVM (chunks and an index, see
/// <see cref="LoadFileStorage"/>; a load file handle is the index); the runtime owns what is inside an instance (its
/// persistent state under <see cref="NvmHandle"/> and its live object).
/// All calls happen inside the current command's NVM atomic unit.
/// </summary>
public interface IAppletRuntime
{
    /// <summary>
    /// Validates a Load File Data Block (the raw .NET assembly, SPEC §3) and returns its package AID and applet
    /// module AIDs; throws <see cref="IsoException"/> <c>6A80</c> when it is not a well-formed Tessera load file.
    /// </summary>
    LoadFileInfo Inspect(ReadOnlyMemory<byte> loadFileDataBlock);

    /// <summary>
    /// Creates an instance of <paramref name="moduleAid"/> from the load file stored at <paramref name="loadFile"/>,
    /// running the module's install with <paramref name="installParameters"/> (the value of tag C9). Returns the NVM
    /// root of the instance's persistent state, which the registry keeps.
    /// </summary>
    NvmHandle Install(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, ReadOnlyMemory<byte> installParameters);

    /// <summary>The live application for a registered instance (created on first use after each power-on).</summary>
    ICardApplication Open(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, NvmHandle instanceState);

    /// <summary>Frees everything an instance owns in NVM and forgets its live object.</summary>
    void Uninstall(Aid instanceAid, NvmHandle instanceState);

    /// <summary>Called when the chip loses power or resets: transient memory of every instance is cleared.</summary>
    void PowerReset();
}

/// <summary>What a load file declares: its package AID, its applet modules, and a content hash for code sharing.</summary>
public sealed record LoadFileInfo(Aid PackageAid, IReadOnlyList<Aid> ModuleAids, string Sha256);

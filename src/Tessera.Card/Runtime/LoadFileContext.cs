using System.Reflection;
using System.Runtime.Loader;

namespace Tessera.Card.Runtime;

/// <summary>
/// The collectible load context of one load file. It shares the applet API (Tessera.Card, Tessera.Iso7816,
/// Tessera.Crypto) and the framework (System.*) with the host, so applet classes derive from the host's
/// <see cref="Applet"/>; any other dependency is refused: a load file is one self-contained assembly.
/// </summary>
internal sealed class LoadFileContext(string name) : AssemblyLoadContext(name, isCollectible: true)
{
    private static readonly HashSet<string> Shared = new(StringComparer.OrdinalIgnoreCase)
    {
        "Tessera.Card", "Tessera.Iso7816", "Tessera.Crypto", "System", "mscorlib", "netstandard",
        "Microsoft.Extensions.Logging.Abstractions",
    };

    public static bool IsShared(string name) =>
        Shared.Contains(name) || name.StartsWith("System.", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("Microsoft.Win32.", StringComparison.OrdinalIgnoreCase);

    protected override Assembly? Load(AssemblyName assemblyName) =>
        assemblyName.Name is { } name && IsShared(name)
            ? null
            : throw new FileNotFoundException($"a Tessera load file may depend only on the applet API and the framework, not on '{assemblyName.Name}'");
}

namespace Tessera.Card.Runtime;

/// <summary>
/// Declares that an assembly is a Tessera load file and names its package AID (hex, 5 to 16 bytes), e.g.
/// <c>[assembly: TesseraPackage("F05445535300")]</c>. INSTALL [for load] must name the same AID (SPEC §3).
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class TesseraPackageAttribute(string aid) : Attribute
{
    /// <summary>The package (load file) AID in hex.</summary>
    public string Aid { get; } = aid;
}

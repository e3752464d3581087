namespace Tessera.Card.Runtime;

/// <summary>
/// Marks a public, non-abstract <see cref="Applet"/> subclass with a public parameterless constructor as an applet
/// module of its load file and names the module AID (hex, 5 to 16 bytes), e.g. <c>[TesseraApplet("F0544553530101")]</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class TesseraAppletAttribute(string aid) : Attribute
{
    /// <summary>The module AID in hex.</summary>
    public string Aid { get; } = aid;
}

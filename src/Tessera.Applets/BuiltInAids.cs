namespace Tessera.Applets;

/// <summary>AIDs of the built-in load file and its applet modules (RID <c>F054455353</c>).</summary>
public static class BuiltInAids
{
    public const string Package = "F05445535300";

    public const string Purse = "F0544553530101";

    public const string Ticket = "F0544553530201";
}

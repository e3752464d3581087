namespace Tessera.Iso7816;

/// <summary>
/// The interface bytes TAi, TBi, TCi of one group of an ATR and the protocol T that TDi announces (null when TDi is
/// absent). Group 1 holds the global bytes TA1-TC1 and TD1; group i+1 exists when TDi is present.
/// </summary>
public sealed record AtrInterfaceGroup(byte? TA = null, byte? TB = null, byte? TC = null, int? Protocol = null)
{
    /// <summary>True when none of TAi, TBi, TCi, TDi is present.</summary>
    public bool IsEmpty => TA is null && TB is null && TC is null && Protocol is null;
}

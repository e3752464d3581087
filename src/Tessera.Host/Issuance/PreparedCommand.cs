using Tessera.Iso7816;

namespace Tessera.Host.Issuance;

/// <summary>Issuance functions: the labels <see cref="PreparedCommand.Function"/> uses.</summary>
public static class IssuanceFunction
{
    public const string Load = "load";
    public const string Install = "install";
    public const string Personalize = "personalize";
    public const string PutKey = "put-key";
    public const string LifeCycle = "life-cycle";
}

/// <summary>
/// One plain (unwrapped) command of a prepared issuance, for the ISD after SELECT + authentication: its function
/// (<see cref="IssuanceFunction"/>), a description for people, and whether it starts a function (where a
/// self-issuance puts a recovery point: INSTALL [for load], [for install], [for personalization]…).
/// </summary>
public sealed record PreparedCommand(string Function, string Description, CommandApdu Command, bool StartsFunction)
{
    public override string ToString() => $"{Function}: {Description}: {Command}";
}

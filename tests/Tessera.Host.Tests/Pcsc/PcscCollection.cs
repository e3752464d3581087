namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// The tests that use pcscd's vpcd slots: they share one attached card (<see cref="PcscCardFixture"/>) and run one
/// after the other (the slots are machine-wide).
/// </summary>
[CollectionDefinition(Name)]
public sealed class PcscCollection : ICollectionFixture<PcscCardFixture>
{
    public const string Name = "PC/SC (vpcd slots)";
}

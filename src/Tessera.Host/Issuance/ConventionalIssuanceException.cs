using Tessera.Host.GlobalPlatform;

namespace Tessera.Host.Issuance;

/// <summary>The card refused a command of a conventional issuance; says which one (1-based) and why.</summary>
public sealed class ConventionalIssuanceException(int index, int total, PreparedCommand command, GpCommandException inner)
    : Exception($"issuance command {index}/{total} ({command.Function}: {command.Description}) failed: {inner.Message}", inner)
{
    public int Index { get; } = index;

    public PreparedCommand Command { get; } = command;

    public GpCommandException CardError { get; } = inner;
}

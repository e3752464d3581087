namespace Tessera.Host.Pcsc;

/// <summary>A PC/SC call failed; <see cref="Code"/> is the pcsc-lite return value.</summary>
public sealed class PcscException(string operation, long code)
    : Exception($"{operation}: {PcscNative.Describe(code)}")
{
    public long Code { get; } = code;
}

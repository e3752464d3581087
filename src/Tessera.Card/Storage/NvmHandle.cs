namespace Tessera.Card.Storage;

/// <summary>
/// A persistent reference to a heap block of <see cref="NonVolatileMemory"/>. The value is stable across power cycles
/// (it may be stored in NVM itself) and is 0 for "no block".
/// </summary>
public readonly record struct NvmHandle(uint Value) : IComparable<NvmHandle>
{
    public static NvmHandle None => default;

    public bool IsNone => Value == 0;

    public int CompareTo(NvmHandle other) => Value.CompareTo(other.Value);

    public override string ToString() => IsNone ? "none" : $"#{Value:X}";
}

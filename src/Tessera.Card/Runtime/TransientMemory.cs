namespace Tessera.Card.Runtime;

/// <summary>
/// An applet instance's RAM: named byte arrays, zero-filled when first asked for, kept for the power cycle. Arrays
/// made with <see cref="ClearOnReset"/> are lost on power loss and reset; those made with
/// <see cref="ClearOnDeselect"/> are also zeroed when the instance is deselected. Writes to them are not undone
/// by NVM transactions or failed commands (as Java Card transient arrays).
/// </summary>
public sealed class TransientMemory
{
    private readonly Dictionary<string, byte[]> onReset = [];
    private readonly Dictionary<string, byte[]> onDeselect = [];

    /// <summary>The array <paramref name="name"/> of <paramref name="length"/> bytes, cleared on reset and power loss.</summary>
    public byte[] ClearOnReset(string name, int length) => Get(onReset, name, length);

    /// <summary>The array <paramref name="name"/> of <paramref name="length"/> bytes, also cleared on deselect.</summary>
    public byte[] ClearOnDeselect(string name, int length) => Get(onDeselect, name, length);

    /// <summary>Bytes of RAM this instance holds.</summary>
    public int Size => onReset.Values.Sum(a => a.Length) + onDeselect.Values.Sum(a => a.Length);

    internal void Deselected()
    {
        foreach (var array in onDeselect.Values)
        {
            Array.Clear(array);
        }
    }

    private static byte[] Get(Dictionary<string, byte[]> arrays, string name, int length)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (arrays.TryGetValue(name, out var array))
        {
            return array.Length == length
                ? array
                : throw new ArgumentException($"transient array '{name}' has {array.Length} bytes, not {length}", nameof(length));
        }

        array = new byte[length];
        arrays[name] = array;
        return array;
    }
}

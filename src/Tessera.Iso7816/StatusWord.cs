namespace Tessera.Iso7816;

/// <summary>The two trailer bytes SW1-SW2 of a response APDU (ISO/IEC 7816-4 §5.1.3).</summary>
public readonly record struct StatusWord(ushort Value)
{
    public StatusWord(byte sw1, byte sw2)
        : this((ushort)((sw1 << 8) | sw2))
    {
    }

    public byte Sw1 => (byte)(Value >> 8);

    public byte Sw2 => (byte)Value;

    /// <summary>True for 9000 and 61XX (normal processing).</summary>
    public bool IsSuccess => Value == 0x9000 || Sw1 == 0x61;

    /// <summary>A short human name for the status word, e.g. "6A82 file or application not found".</summary>
    public string Describe() => $"{Value:X4} {StatusWordNames.NameOf(this)}";

    public override string ToString() => Value.ToString("X4");

    public static implicit operator StatusWord(ushort value) => new(value);
}

using System.Buffers.Binary;

namespace Tessera.Host.SelfIssuance;

/// <summary>The flags byte of a simultaneous command (SPEC §4.3).</summary>
[Flags]
public enum SimultaneousCommandFlags : byte
{
    /// <summary>No optional part.</summary>
    None = 0,

    /// <summary>Bit 0: recovery information (the recovery points) is present.</summary>
    RecoveryPoints = 0x01,

    /// <summary>Bit 1: a response decision table is present.</summary>
    DecisionTable = 0x02,

    /// <summary>Bit 2: everything after the header is sealed to the card (SPEC §4.9).</summary>
    Sealed = 0x04,
}

/// <summary>
/// A recovery point of a simultaneous command: the number (1-based) of the command a resumed issuance may restart
/// at, and the byte offset, from the start of the file, of that command's <c>u32 length</c> field.
/// </summary>
public readonly record struct RecoveryPoint(ushort CommandNumber, uint Offset);

/// <summary>How a response decision table entry judges a status word (SPEC §4.5).</summary>
public enum DecisionVerdict : byte
{
    /// <summary>The command succeeded; execution goes on.</summary>
    Success = 0x00,

    /// <summary>The command failed; execution stops there and START answers <c>6300</c>.</summary>
    Failure = 0x01,
}

/// <summary>
/// One entry of the response decision table: a status word <c>sw</c> matches when
/// <c>(sw &amp; Mask) == Value</c>; the first matching entry gives the verdict.
/// </summary>
public readonly record struct DecisionTableEntry(ushort Value, ushort Mask, DecisionVerdict Verdict)
{
    /// <summary>True when this entry applies to <paramref name="statusWord"/>.</summary>
    public bool Matches(ushort statusWord) => (statusWord & Mask) == Value;
}

/// <summary>
/// The clear 4-byte header of a simultaneous command: <c>version (01) ‖ flags ‖ u16 m</c> (SPEC §4.3). In a sealed
/// structure it is also the associated data and HKDF salt of the seal.
/// </summary>
public readonly record struct SimultaneousCommandHeader(byte Version, SimultaneousCommandFlags Flags, ushort CommandCount)
{
    /// <summary>The only version SPEC §4.3 defines.</summary>
    public const byte CurrentVersion = 0x01;

    /// <summary>Bytes of the header.</summary>
    public const int Length = 4;

    /// <summary>True when the rest of the structure is sealed to the card.</summary>
    public bool IsSealed => (Flags & SimultaneousCommandFlags.Sealed) != 0;

    /// <summary>The header of a structure; <see cref="FormatException"/> when it is not one this host knows.</summary>
    public static SimultaneousCommandHeader Parse(ReadOnlySpan<byte> structure)
    {
        if (structure.Length < Length)
        {
            throw new FormatException($"a simultaneous command starts with a {Length}-byte header; got {structure.Length} bytes");
        }

        var header = new SimultaneousCommandHeader(structure[0], (SimultaneousCommandFlags)structure[1], BinaryPrimitives.ReadUInt16BigEndian(structure[2..]));
        if (header.Version != CurrentVersion)
        {
            throw new FormatException($"simultaneous command version {header.Version:X2} is not {CurrentVersion:X2}");
        }

        if (((byte)header.Flags & ~0x07) != 0)
        {
            throw new FormatException($"simultaneous command flags {(byte)header.Flags:X2} use undefined bits (only bits 0-2 are defined)");
        }

        if (header.CommandCount == 0)
        {
            throw new FormatException("a simultaneous command holds 1 to 65535 commands, not 0");
        }

        return header;
    }

    /// <summary>Writes the 4 header bytes.</summary>
    public void Write(Span<byte> destination)
    {
        destination[0] = Version;
        destination[1] = (byte)Flags;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], CommandCount);
    }
}

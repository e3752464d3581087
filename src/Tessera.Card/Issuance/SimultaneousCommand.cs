using System.Buffers.Binary;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Issuance;

/// <summary>One recovery point of a simultaneous command: where a resume may restart (SPEC §4.3, §4.6).</summary>
public readonly record struct RecoveryPoint(int CommandNumber, uint Offset);

/// <summary>One response decision table entry: <c>(sw &amp; mask) == value</c> gives the verdict (SPEC §4.5).</summary>
public readonly record struct DecisionEntry(ushort Value, ushort Mask, bool IsFailure);

/// <summary>
/// A validated simultaneous command (SPEC §4.3): the header, recovery points, decision table and the m issuance
/// commands, each a view of its APDU bytes in place (direct reference, SPEC §4.8: no copy for an unsealed structure
/// read from command storage). <see cref="Parse"/> checks the whole structure before anything runs.
/// </summary>
public sealed class SimultaneousCommand
{
    public const byte Version = 0x01;
    public const byte FlagRecoveryPoints = 0x01;
    public const byte FlagDecisionTable = 0x02;
    public const byte FlagSealed = 0x04;
    public const int HeaderLength = 4;

    private static readonly DecisionEntry[] BuiltInDecisions =
    [
        new(0x9000, 0xFFFF, false),
        new(0x6100, 0xFF00, false),
    ];

    private readonly ReadOnlyMemory<byte>[] commands;

    private SimultaneousCommand(byte flags, ReadOnlyMemory<byte>[] commands, RecoveryPoint[] recoveryPoints, DecisionEntry[] decisions, int length)
    {
        Flags = flags;
        this.commands = commands;
        RecoveryPoints = recoveryPoints;
        Decisions = decisions;
        Length = length;
    }

    public byte Flags { get; }

    public bool IsSealed => (Flags & FlagSealed) != 0;

    /// <summary>m, the number of issuance commands.</summary>
    public int CommandCount => commands.Length;

    public IReadOnlyList<RecoveryPoint> RecoveryPoints { get; }

    /// <summary>The script's own decision entries (the built-in ones are consulted after them).</summary>
    public IReadOnlyList<DecisionEntry> Decisions { get; }

    /// <summary>Bytes the structure occupies in its file (for a sealed one: header and sealed part).</summary>
    public int Length { get; }

    /// <summary>The APDU bytes of command <paramref name="number"/> (1-based).</summary>
    public ReadOnlyMemory<byte> Command(int number) => commands[number - 1];

    /// <summary>True when the decision table judges <paramref name="sw"/> a success.</summary>
    public bool IsSuccess(StatusWord sw)
    {
        var value = sw.Value;
        foreach (var entry in Decisions)
        {
            if ((value & entry.Mask) == entry.Value)
            {
                return !entry.IsFailure;
            }
        }

        foreach (var entry in BuiltInDecisions)
        {
            if ((value & entry.Mask) == entry.Value)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Where a resume starts when <paramref name="preceding"/> commands have completed: the greatest recovery point
    /// whose command number is ≤ preceding + 1, or preceding + 1 without one (SPEC §4.6).
    /// </summary>
    public int RestartPoint(int preceding)
    {
        var next = Math.Min(preceding + 1, CommandCount);
        var best = 0;
        foreach (var point in RecoveryPoints)
        {
            if (point.CommandNumber <= next && point.CommandNumber > best)
            {
                best = point.CommandNumber;
            }
        }

        return best == 0 ? next : best;
    }

    /// <summary>
    /// Reads the 4-byte header of a structure: the flags, or a reason why it is not a simultaneous command.
    /// </summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> bytes, out byte flags, out string reason)
    {
        flags = 0;
        if (bytes.Length < HeaderLength)
        {
            reason = $"the structure is {bytes.Length} bytes, shorter than its 4-byte header";
            return false;
        }

        if (bytes[0] != Version)
        {
            reason = $"version {bytes[0]:X2} is not 01";
            return false;
        }

        flags = bytes[1];
        if ((flags & ~(FlagRecoveryPoints | FlagDecisionTable | FlagSealed)) != 0)
        {
            reason = $"flags {flags:X2} set undefined bits";
            return false;
        }

        if (BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]) == 0)
        {
            reason = "m, the number of commands, is 0";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Validates and indexes an unsealed structure at the start of <paramref name="file"/> (SPEC §4.3). With
    /// <paramref name="exactLength"/> the structure must fill <paramref name="file"/> exactly; otherwise it ends where
    /// its last command ends and bytes after it are ignored. Command views are slices of <paramref name="file"/>.
    /// </summary>
    /// <param name="fileOffset">where <paramref name="file"/> starts in its EF (START <c>C1</c>): recovery point
    /// offsets count from the start of the EF (SPEC §4.3).</param>
    public static bool TryParse(ReadOnlyMemory<byte> file, bool exactLength, uint fileOffset, out SimultaneousCommand? structure, out string reason)
    {
        structure = null;
        var span = file.Span;
        if (!TryReadHeader(span, out var flags, out reason))
        {
            return false;
        }

        if ((flags & FlagSealed) != 0)
        {
            reason = "the structure is sealed; open it first";
            return false;
        }

        int m = BinaryPrimitives.ReadUInt16BigEndian(span[2..]);
        var at = HeaderLength;
        var points = Array.Empty<RecoveryPoint>();
        if ((flags & FlagRecoveryPoints) != 0)
        {
            if (!Fits(span, at, 2, out reason, "the recovery point count"))
            {
                return false;
            }

            int r = BinaryPrimitives.ReadUInt16BigEndian(span[at..]);
            at += 2;
            if (!Fits(span, at, r * 6, out reason, $"{r} recovery points"))
            {
                return false;
            }

            points = new RecoveryPoint[r];
            for (var i = 0; i < r; i++)
            {
                points[i] = new RecoveryPoint(BinaryPrimitives.ReadUInt16BigEndian(span[at..]), BinaryPrimitives.ReadUInt32BigEndian(span[(at + 2)..]));
                at += 6;
            }
        }

        var decisions = Array.Empty<DecisionEntry>();
        if ((flags & FlagDecisionTable) != 0)
        {
            if (!Fits(span, at, 1, out reason, "the decision table count"))
            {
                return false;
            }

            int d = span[at++];
            if (!Fits(span, at, d * 5, out reason, $"{d} decision table entries"))
            {
                return false;
            }

            decisions = new DecisionEntry[d];
            for (var i = 0; i < d; i++)
            {
                var verdict = span[at + 4];
                if (verdict > 1)
                {
                    reason = $"decision table entry {i + 1} has verdict {verdict:X2} (00 success or 01 failure)";
                    return false;
                }

                decisions[i] = new DecisionEntry(BinaryPrimitives.ReadUInt16BigEndian(span[at..]), BinaryPrimitives.ReadUInt16BigEndian(span[(at + 2)..]), verdict == 1);
                at += 5;
            }
        }

        var commands = new ReadOnlyMemory<byte>[m];
        var offsets = new uint[m];
        for (var k = 0; k < m; k++)
        {
            if (!Fits(span, at, 4, out reason, $"the length of command {k + 1}"))
            {
                return false;
            }

            offsets[k] = (uint)at;
            var length = BinaryPrimitives.ReadUInt32BigEndian(span[at..]);
            at += 4;
            if (length > int.MaxValue || !Fits(span, at, (int)length, out reason, $"command {k + 1} ({length} bytes)"))
            {
                reason = length > int.MaxValue ? $"command {k + 1} claims {length} bytes" : reason;
                return false;
            }

            var apdu = file.Slice(at, (int)length);
            if (!CommandApdu.TryParse(apdu, out _, out var why))
            {
                reason = $"command {k + 1} is not a well-formed command APDU: {why}";
                return false;
            }

            commands[k] = apdu;
            at += (int)length;
        }

        if (exactLength && at != span.Length)
        {
            reason = $"the structure ends at byte {at} but {span.Length} bytes were given";
            return false;
        }

        foreach (var point in points)
        {
            if (point.CommandNumber < 1 || point.CommandNumber > m)
            {
                reason = $"recovery point for command {point.CommandNumber} is outside 1..{m}";
                return false;
            }

            if ((long)point.Offset != fileOffset + (long)offsets[point.CommandNumber - 1])
            {
                reason = $"recovery point for command {point.CommandNumber} gives offset {point.Offset}, but that command's length field is at {fileOffset + offsets[point.CommandNumber - 1]}";
                return false;
            }
        }

        structure = new SimultaneousCommand(flags, commands, points, decisions, at);
        reason = string.Empty;
        return true;
    }

    /// <summary>
    /// Opens a sealed structure (SPEC §4.9) that fills <paramref name="file"/> and validates the plaintext as an
    /// unsealed structure with the same header (less the sealed flag). Offsets are those of the unsealed form.
    /// </summary>
    public static bool TryOpenSealed(ReadOnlySpan<byte> file, IssuanceKeyPair cardKey, uint fileOffset, out SimultaneousCommand? structure, out string reason)
    {
        structure = null;
        if (!TryReadHeader(file, out var flags, out reason))
        {
            return false;
        }

        if ((flags & FlagSealed) == 0)
        {
            reason = "the structure is not sealed";
            return false;
        }

        if (!IssuanceSeal.TryOpen(file, cardKey, out var plaintext))
        {
            reason = "the seal does not open with this card's issuance key";
            return false;
        }

        var unsealed = new byte[HeaderLength + plaintext.Length];
        file[..HeaderLength].CopyTo(unsealed);
        unsealed[1] = (byte)(flags & ~FlagSealed);
        plaintext.CopyTo(unsealed, HeaderLength);
        CryptographicZero(plaintext);
        if (!TryParse(unsealed, exactLength: true, fileOffset, out var inner, out reason))
        {
            reason = $"the sealed plaintext is malformed: {reason}";
            return false;
        }

        structure = new SimultaneousCommand(flags, inner!.commands, [.. inner.RecoveryPoints], [.. inner.Decisions], file.Length);
        return true;
    }

    private static void CryptographicZero(byte[] bytes) => System.Security.Cryptography.CryptographicOperations.ZeroMemory(bytes);

    private static bool Fits(ReadOnlySpan<byte> span, int at, int length, out string reason, string what)
    {
        if (length < 0 || at > span.Length - length)
        {
            reason = $"{what} runs past the end of the structure ({span.Length} bytes)";
            return false;
        }

        reason = string.Empty;
        return true;
    }
}

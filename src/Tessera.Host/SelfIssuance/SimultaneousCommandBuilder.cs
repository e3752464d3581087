using System.Buffers.Binary;
using System.Security.Cryptography;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>
/// Builds the bytes of a simultaneous command (SPEC §4.3): the issuance commands in order, recovery points (one at
/// the start of each function by default, plus any the caller adds) and an optional response decision table.
/// <see cref="Build"/> gives the clear structure, <see cref="BuildSealed"/> the structure sealed to one card
/// (SPEC §4.9). The builder checks everything a card would refuse with <c>6A80</c> before it writes a byte.
/// </summary>
public sealed class SimultaneousCommandBuilder
{
    /// <summary>Largest number of commands (m is a u16).</summary>
    public const int MaxCommands = 65535;

    /// <summary>Largest number of recovery points (r is a u16).</summary>
    public const int MaxRecoveryPoints = 65535;

    /// <summary>Largest number of decision table entries (d is a u8).</summary>
    public const int MaxDecisionEntries = 255;

    private const int RecoveryPointLength = 6;
    private const int DecisionEntryLength = 5;
    private const int LengthFieldLength = 4;

    private readonly List<byte[]> commands = [];
    private readonly SortedSet<int> recoveryPoints = [];
    private readonly List<DecisionTableEntry> decisionTable = [];

    /// <summary>Number of commands added so far (m).</summary>
    public int CommandCount => commands.Count;

    /// <summary>The decision table entries, in the order the card consults them.</summary>
    public IReadOnlyList<DecisionTableEntry> DecisionTable => decisionTable;

    /// <summary>A builder holding <paramref name="prepared"/>, with a recovery point at the start of each function.</summary>
    public static SimultaneousCommandBuilder FromPrepared(IEnumerable<PreparedCommand> prepared)
    {
        var builder = new SimultaneousCommandBuilder();
        builder.AddRange(prepared);
        return builder;
    }

    /// <summary>
    /// True for the commands that start an issuance function by their encoding: INSTALL (<c>80</c>/<c>84 E6</c>)
    /// [for load] (P1 b2), [for install] (P1 b3, with or without make selectable) and [for personalization] (P1 b6).
    /// </summary>
    public static bool StartsFunction(CommandApdu command)
    {
        ArgumentNullException.ThrowIfNull(command);
        const byte functionStarts = InstallCommand.ForLoadP1 | InstallCommand.ForInstallP1 | InstallCommand.ForPersonalizationP1;
        return ClassByte.IsProprietary(command.Cla) && command.Ins == InstallCommand.Ins && (command.P1 & functionStarts) != 0;
    }

    /// <summary>
    /// Adds a prepared command; it gets a recovery point when it starts a function (its flag, or an INSTALL that
    /// starts one, <see cref="StartsFunction(CommandApdu)"/>).
    /// </summary>
    public SimultaneousCommandBuilder Add(PreparedCommand command)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Add(command.Command, command.StartsFunction || StartsFunction(command.Command));
    }

    /// <summary>Adds prepared commands in order (see <see cref="Add(PreparedCommand)"/>).</summary>
    public SimultaneousCommandBuilder AddRange(IEnumerable<PreparedCommand> prepared)
    {
        ArgumentNullException.ThrowIfNull(prepared);
        foreach (var command in prepared)
        {
            Add(command);
        }

        return this;
    }

    /// <summary>Adds one command APDU, optionally with a recovery point at it.</summary>
    public SimultaneousCommandBuilder Add(CommandApdu command, bool recoveryPoint = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        return AddEncoded(command.ToArray(), recoveryPoint);
    }

    /// <summary>
    /// Adds one command APDU given as bytes (short or extended encoding); <see cref="ArgumentException"/> when they
    /// are not a well-formed ISO 7816-4 command APDU.
    /// </summary>
    public SimultaneousCommandBuilder Add(ReadOnlySpan<byte> apdu, bool recoveryPoint = false) => AddEncoded(apdu.ToArray(), recoveryPoint);

    /// <summary>Adds a recovery point at command <paramref name="commandNumber"/> (1-based; checked against m at build).</summary>
    public SimultaneousCommandBuilder AddRecoveryPoint(int commandNumber)
    {
        if (commandNumber is < 1 or > MaxCommands)
        {
            throw new ArgumentException($"a recovery point names a command number 1..{MaxCommands}, not {commandNumber}", nameof(commandNumber));
        }

        recoveryPoints.Add(commandNumber);
        return this;
    }

    /// <summary>Adds a response decision table entry (consulted in the order added, before the card's built-in ones).</summary>
    public SimultaneousCommandBuilder AddDecision(DecisionTableEntry entry)
    {
        if (!Enum.IsDefined(entry.Verdict))
        {
            throw new ArgumentException($"decision verdict {(byte)entry.Verdict:X2} is neither 00 (success) nor 01 (failure)", nameof(entry));
        }

        if (decisionTable.Count == MaxDecisionEntries)
        {
            throw new ArgumentException($"a response decision table holds at most {MaxDecisionEntries} entries", nameof(entry));
        }

        decisionTable.Add(entry);
        return this;
    }

    /// <summary>Adds a response decision table entry: status words with <c>(sw &amp; mask) == value</c> get <paramref name="verdict"/>.</summary>
    public SimultaneousCommandBuilder AddDecision(ushort value, ushort mask, DecisionVerdict verdict) => AddDecision(new DecisionTableEntry(value, mask, verdict));

    /// <summary>The recovery points the structure will hold, ascending, with the offsets of their commands.</summary>
    public IReadOnlyList<RecoveryPoint> GetRecoveryPoints()
    {
        Validate();
        var offsets = CommandOffsets();
        return recoveryPoints.Select(n => new RecoveryPoint((ushort)n, (uint)offsets[n - 1])).ToList();
    }

    /// <summary>Bytes of the clear structure (<see cref="Build"/>).</summary>
    public int EncodedLength
    {
        get
        {
            Validate();
            return checked((int)TotalLength());
        }
    }

    /// <summary>The clear simultaneous command.</summary>
    public byte[] Build()
    {
        Validate();
        var total = TotalLength();
        var structure = new byte[total];
        Header(isSealed: false).Write(structure);
        WriteBody(structure.AsSpan(SimultaneousCommandHeader.Length));
        return structure;
    }

    /// <summary>
    /// The simultaneous command sealed to the card whose issuance public key (GET DATA <c>DF51</c>, 65 bytes) is
    /// <paramref name="cardPublicKey"/>: header with flags bit 2 ‖ ephemeral key ‖ nonce ‖ ciphertext ‖ tag (SPEC
    /// §4.9). The clear body exists only in a buffer that is wiped before this returns.
    /// </summary>
    public byte[] BuildSealed(ReadOnlySpan<byte> cardPublicKey)
    {
        if (cardPublicKey.Length != IssuanceKeyPair.PublicKeyLength || cardPublicKey[0] != 0x04)
        {
            throw new ArgumentException($"the card issuance public key is a {IssuanceKeyPair.PublicKeyLength}-byte uncompressed P-256 point (04 ‖ X ‖ Y), got {cardPublicKey.Length} bytes", nameof(cardPublicKey));
        }

        Validate();
        var bodyLength = TotalLength() - SimultaneousCommandHeader.Length;
        if (bodyLength + IssuanceSeal.Overhead > Array.MaxLength)
        {
            throw new ArgumentException("the sealed simultaneous command would be too large for this host");
        }

        Span<byte> header = stackalloc byte[SimultaneousCommandHeader.Length];
        Header(isSealed: true).Write(header);
        var body = new byte[bodyLength];
        try
        {
            WriteBody(body);
            return IssuanceSeal.Seal(header, body, cardPublicKey);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(body);
        }
    }

    private SimultaneousCommandBuilder AddEncoded(byte[] apdu, bool recoveryPoint)
    {
        if (!CommandApdu.TryParse(apdu, out _, out var reason))
        {
            throw new ArgumentException($"command {commands.Count + 1} is not a well-formed command APDU: {reason}", nameof(apdu));
        }

        if (commands.Count == MaxCommands)
        {
            throw new ArgumentException($"a simultaneous command holds at most {MaxCommands} commands", nameof(apdu));
        }

        commands.Add(apdu);
        if (recoveryPoint)
        {
            recoveryPoints.Add(commands.Count);
        }

        return this;
    }

    private void Validate()
    {
        if (commands.Count == 0)
        {
            throw new ArgumentException("a simultaneous command holds 1 to 65535 commands; none were added");
        }

        if (recoveryPoints.Count > 0 && recoveryPoints.Max > commands.Count)
        {
            throw new ArgumentException($"recovery point at command {recoveryPoints.Max} is beyond the last command ({commands.Count})");
        }

        if (TotalLength() > Array.MaxLength)
        {
            throw new ArgumentException("the simultaneous command would be too large for this host");
        }

        if (CommandOffsets()[^1] > uint.MaxValue)
        {
            throw new ArgumentException("a command would start beyond the 4 GiB a u32 offset can name");
        }
    }

    private SimultaneousCommandHeader Header(bool isSealed)
    {
        var flags = SimultaneousCommandFlags.None;
        if (recoveryPoints.Count > 0)
        {
            flags |= SimultaneousCommandFlags.RecoveryPoints;
        }

        if (decisionTable.Count > 0)
        {
            flags |= SimultaneousCommandFlags.DecisionTable;
        }

        if (isSealed)
        {
            flags |= SimultaneousCommandFlags.Sealed;
        }

        return new SimultaneousCommandHeader(SimultaneousCommandHeader.CurrentVersion, flags, (ushort)commands.Count);
    }

    private long PrefixLength() =>
        SimultaneousCommandHeader.Length
        + (recoveryPoints.Count > 0 ? 2 + (RecoveryPointLength * (long)recoveryPoints.Count) : 0)
        + (decisionTable.Count > 0 ? 1 + (DecisionEntryLength * (long)decisionTable.Count) : 0);

    private long TotalLength() => PrefixLength() + commands.Sum(c => (long)LengthFieldLength + c.Length);

    /// <summary>Offset from the start of the file of each command's u32 length field.</summary>
    private long[] CommandOffsets()
    {
        var offsets = new long[commands.Count];
        var offset = PrefixLength();
        for (var i = 0; i < commands.Count; i++)
        {
            offsets[i] = offset;
            offset += LengthFieldLength + commands[i].Length;
        }

        return offsets;
    }

    /// <summary>Writes everything after the header (the plaintext of a sealed structure).</summary>
    private void WriteBody(Span<byte> body)
    {
        var offsets = CommandOffsets();
        var i = 0;
        if (recoveryPoints.Count > 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(body[i..], (ushort)recoveryPoints.Count);
            i += 2;
            foreach (var number in recoveryPoints)
            {
                BinaryPrimitives.WriteUInt16BigEndian(body[i..], (ushort)number);
                BinaryPrimitives.WriteUInt32BigEndian(body[(i + 2)..], (uint)offsets[number - 1]);
                i += RecoveryPointLength;
            }
        }

        if (decisionTable.Count > 0)
        {
            body[i++] = (byte)decisionTable.Count;
            foreach (var entry in decisionTable)
            {
                BinaryPrimitives.WriteUInt16BigEndian(body[i..], entry.Value);
                BinaryPrimitives.WriteUInt16BigEndian(body[(i + 2)..], entry.Mask);
                body[i + 4] = (byte)entry.Verdict;
                i += DecisionEntryLength;
            }
        }

        foreach (var command in commands)
        {
            BinaryPrimitives.WriteUInt32BigEndian(body[i..], (uint)command.Length);
            command.CopyTo(body[(i + LengthFieldLength)..]);
            i += LengthFieldLength + command.Length;
        }
    }
}

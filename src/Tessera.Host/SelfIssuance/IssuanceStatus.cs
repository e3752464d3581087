using System.Buffers.Binary;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>The state of the card's self-issuance (SPEC §4.4, tag <c>C0</c> of the status template).</summary>
public enum IssuanceState : byte
{
    /// <summary><c>00</c>: no issuance.</summary>
    None = 0x00,

    /// <summary><c>01</c>: running (privileged mode is set).</summary>
    Running = 0x01,

    /// <summary><c>02</c>: completed, awaiting CONFIRM (or CLEAR).</summary>
    Completed = 0x02,

    /// <summary><c>03</c>: failed at a command; the commands before it keep their effects.</summary>
    Failed = 0x03,

    /// <summary><c>04</c>: interrupted by a power loss.</summary>
    Interrupted = 0x04,

    /// <summary><c>05</c>: confirmed (final).</summary>
    Confirmed = 0x05,

    /// <summary><c>06</c>: cleared (the card content is as before the issuance).</summary>
    Cleared = 0x06,
}

/// <summary>The header of a command APDU: CLA INS P1 P2.</summary>
public readonly record struct CommandHeader(byte Cla, byte Ins, byte P1, byte P2)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Cla:X2}{Ins:X2}{P1:X2}{P2:X2}";
}

/// <summary>
/// The self-issuance status template <c>E5</c> returned by START and GET ISSUANCE STATUS (SPEC §4.4):
/// state, number of preceding commands (completed successfully, in order), m, for a failure the failing command's
/// number, header and status word, the command a resume would start at, and the FID of the structure.
/// </summary>
public sealed record IssuanceStatus
{
    /// <summary>The template tag.</summary>
    public const byte TemplateTag = 0xE5;

    /// <summary>C0.</summary>
    public IssuanceState State { get; init; }

    /// <summary>C1: commands completed successfully, in order.</summary>
    public int PrecedingCommands { get; init; }

    /// <summary>C2: m, the commands of the structure.</summary>
    public int CommandCount { get; init; }

    /// <summary>C3: the failing command's number (failed only).</summary>
    public int? FailingCommand { get; init; }

    /// <summary>C4: the failing command's CLA INS P1 P2 (failed only).</summary>
    public CommandHeader? FailingHeader { get; init; }

    /// <summary>C5: the failing command's status word (failed only).</summary>
    public StatusWord? FailingStatusWord { get; init; }

    /// <summary>C6: the command number a resume would start at (failed / interrupted).</summary>
    public int? ResumeAt { get; init; }

    /// <summary>83: FID of the structure (absent when the card has no issuance).</summary>
    public ushort? Fid { get; init; }

    /// <summary>
    /// Parses exactly one <c>E5</c> template. Strict: <see cref="FormatException"/> for bad BER-TLV, trailing bytes,
    /// unknown or repeated tags, wrong value lengths, an undefined state, a missing <c>C0</c>, a missing <c>C1</c>/<c>C2</c>
    /// outside state none, a failed state without <c>C3</c>/<c>C4</c>/<c>C5</c>, or those tags outside state failed.
    /// </summary>
    public static IssuanceStatus Parse(ReadOnlySpan<byte> template)
    {
        if (!BerTlv.TryReadElement(template, out var tag, out var value, out var consumed))
        {
            throw new FormatException($"issuance status is not a BER-TLV data object: {Convert.ToHexString(template)}");
        }

        if (tag.Value != TemplateTag)
        {
            throw new FormatException($"issuance status template is E5, not {tag}");
        }

        if (consumed != template.Length)
        {
            throw new FormatException($"{template.Length - consumed} bytes follow the E5 template");
        }

        byte? state = null;
        ushort? preceding = null, count = null, failing = null, sw = null, resume = null, fid = null;
        CommandHeader? header = null;
        var seen = new HashSet<uint>();
        while (!value.IsEmpty)
        {
            if (!BerTlv.TryReadElement(value, out var inner, out var v, out var used))
            {
                throw new FormatException($"malformed data object inside E5: {Convert.ToHexString(value)}");
            }

            if (!seen.Add(inner.Value))
            {
                throw new FormatException($"tag {inner} appears twice in E5");
            }

            switch (inner.Value)
            {
                case 0xC0:
                    state = Fixed(v, 1, inner)[0];
                    break;
                case 0xC1:
                    preceding = U16(v, inner);
                    break;
                case 0xC2:
                    count = U16(v, inner);
                    break;
                case 0xC3:
                    failing = U16(v, inner);
                    break;
                case 0xC4:
                    var h = Fixed(v, 4, inner);
                    header = new CommandHeader(h[0], h[1], h[2], h[3]);
                    break;
                case 0xC5:
                    sw = U16(v, inner);
                    break;
                case 0xC6:
                    resume = U16(v, inner);
                    break;
                case 0x83:
                    fid = U16(v, inner);
                    break;
                default:
                    throw new FormatException($"tag {inner} is not part of the E5 issuance status template");
            }

            value = value[used..];
        }

        if (state is not { } s)
        {
            throw new FormatException("E5 has no state (C0)");
        }

        if (!Enum.IsDefined((IssuanceState)s))
        {
            throw new FormatException($"issuance state {s:X2} is not defined (00-06)");
        }

        var issuanceState = (IssuanceState)s;
        if (issuanceState != IssuanceState.None && (preceding is null || count is null))
        {
            throw new FormatException($"E5 in state {issuanceState} must carry the number of preceding commands (C1) and m (C2)");
        }

        var failureTags = failing is not null || header is not null || sw is not null;
        if (issuanceState == IssuanceState.Failed && (failing is null || header is null || sw is null))
        {
            throw new FormatException("E5 in state failed must carry the failing command number (C3), header (C4) and status word (C5)");
        }

        if (issuanceState != IssuanceState.Failed && failureTags)
        {
            throw new FormatException($"E5 in state {issuanceState} carries failure details (C3/C4/C5), which belong to state failed");
        }

        if (preceding > count)
        {
            throw new FormatException($"E5 says {preceding} preceding commands of only {count}");
        }

        return new IssuanceStatus
        {
            State = issuanceState,
            PrecedingCommands = preceding ?? 0,
            CommandCount = count ?? 0,
            FailingCommand = failing,
            FailingHeader = header,
            FailingStatusWord = sw is { } w ? new StatusWord(w) : null,
            ResumeAt = resume,
            Fid = fid,
        };
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = $"{State}, {PrecedingCommands}/{CommandCount} commands done";
        if (State == IssuanceState.Failed)
        {
            text += $", command {FailingCommand} ({FailingHeader}) answered {FailingStatusWord?.Describe()}";
        }

        if (ResumeAt is { } r)
        {
            text += $", resume at {r}";
        }

        return Fid is { } f ? $"{text}, EF {f:X4}" : text;
    }

    private static ReadOnlySpan<byte> Fixed(ReadOnlySpan<byte> value, int length, BerTag tag) =>
        value.Length == length ? value : throw new FormatException($"E5 tag {tag} holds {length} bytes, not {value.Length}");

    private static ushort U16(ReadOnlySpan<byte> value, BerTag tag) => BinaryPrimitives.ReadUInt16BigEndian(Fixed(value, 2, tag));
}

using System.Diagnostics.CodeAnalysis;

namespace Tessera.Iso7816;

/// <summary>
/// An answer-to-reset (ISO/IEC 7816-3 §8): TS, T0, the interface bytes TAi/TBi/TCi/TDi, up to 15 historical
/// bytes and the check byte TCK. TCK is present exactly when some TDi indicates a protocol other than T=0, and then
/// the XOR of T0 through TCK is 0. An ATR has at most 33 bytes.
/// </summary>
public sealed class Atr
{
    public const int MaxLength = 33;
    public const int MaxHistoricalBytes = 15;

    private readonly byte[] bytes;
    private readonly byte?[] tdBytes;

    private Atr(byte[] bytes, AtrConvention convention, AtrInterfaceGroup[] groups, byte?[] tdBytes, int historicalOffset, int historicalLength, byte? tck)
    {
        this.bytes = bytes;
        this.tdBytes = tdBytes;
        Convention = convention;
        InterfaceGroups = groups;
        HistoricalBytes = new ReadOnlyMemory<byte>(bytes, historicalOffset, historicalLength);
        Tck = tck;
        var protocols = new List<int>();
        foreach (var group in groups)
        {
            if (group.Protocol is { } t and not 15 && !protocols.Contains(t))
            {
                protocols.Add(t);
            }
        }

        Protocols = protocols.Count == 0 ? [0] : [.. protocols];
    }

    public ReadOnlyMemory<byte> Bytes => bytes;

    public AtrConvention Convention { get; }

    /// <summary>Group 1 (TA1, TB1, TC1, TD1), then one group per TDi present.</summary>
    public IReadOnlyList<AtrInterfaceGroup> InterfaceGroups { get; }

    /// <summary>The protocols the TDi bytes indicate, in order, without T=15; just T=0 when TD1 is absent.</summary>
    public IReadOnlyList<int> Protocols { get; }

    public ReadOnlyMemory<byte> HistoricalBytes { get; }

    /// <summary>The check byte, or null when only T=0 is indicated.</summary>
    public byte? Tck { get; }

    /// <summary>Interface byte TAi (i from 1), or null when absent.</summary>
    public byte? TA(int i) => Group(i)?.TA;

    /// <summary>Interface byte TBi (i from 1), or null when absent.</summary>
    public byte? TB(int i) => Group(i)?.TB;

    /// <summary>Interface byte TCi (i from 1), or null when absent.</summary>
    public byte? TC(int i) => Group(i)?.TC;

    /// <summary>Interface byte TDi (i from 1), or null when absent.</summary>
    public byte? TD(int i) => i >= 1 && i <= tdBytes.Length ? tdBytes[i - 1] : null;

    public static Atr Parse(ReadOnlySpan<byte> atr) =>
        TryParse(atr, out var parsed, out var reason) ? parsed : throw new AtrFormatException(reason);

    /// <summary>Parses an ATR written in hex (separators as in <see cref="Hex.Parse"/>).</summary>
    public static Atr Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        return Parse(Hex.Parse(hex));
    }

    public static bool TryParse(ReadOnlySpan<byte> atr, [NotNullWhen(true)] out Atr? parsed, out string reason)
    {
        parsed = null;
        reason = TryParseCore(atr, out parsed) ?? string.Empty;
        return parsed is not null;
    }

    /// <summary>
    /// Builds an ATR that offers <paramref name="protocols"/> (ascending, 0-14; empty means T=0) with optional global
    /// bytes TA1-TC1. Only T=0: no TD1. Otherwise one TDi per protocol: <c>[0, 1]</c> gives <c>TD1 = 80, TD2 = 01</c>.
    /// </summary>
    public static Atr Build(
        IEnumerable<int> protocols,
        ReadOnlySpan<byte> historicalBytes,
        byte? ta1 = null,
        byte? tb1 = null,
        byte? tc1 = null,
        AtrConvention convention = AtrConvention.Direct)
    {
        ArgumentNullException.ThrowIfNull(protocols);
        var list = protocols.ToArray();
        for (var i = 0; i < list.Length; i++)
        {
            if (list[i] is < 0 or > 14)
            {
                throw new ArgumentOutOfRangeException(nameof(protocols), list[i], "protocols are T=0 to T=14");
            }

            if (i > 0 && list[i] <= list[i - 1])
            {
                throw new ArgumentException("protocols must be distinct and in ascending order", nameof(protocols));
            }
        }

        AtrInterfaceGroup[] groups;
        if (list.Length == 0 || list is [0])
        {
            groups = [new AtrInterfaceGroup(ta1, tb1, tc1)];
        }
        else
        {
            groups = new AtrInterfaceGroup[list.Length];
            groups[0] = new AtrInterfaceGroup(ta1, tb1, tc1, list[0]);
            for (var i = 1; i < list.Length; i++)
            {
                groups[i] = new AtrInterfaceGroup(Protocol: list[i]);
            }
        }

        return BuildFromGroups(groups, historicalBytes, convention);
    }

    /// <summary>
    /// Builds an ATR from explicit interface groups (group 1 first). Every group but the last must announce a protocol
    /// (its TDi leads to the next group); TCK is added when any announced protocol is not T=0.
    /// </summary>
    public static Atr BuildFromGroups(IReadOnlyList<AtrInterfaceGroup> groups, ReadOnlySpan<byte> historicalBytes, AtrConvention convention = AtrConvention.Direct)
    {
        ArgumentNullException.ThrowIfNull(groups);
        if (groups.Count == 0)
        {
            throw new ArgumentException("at least interface group 1 is needed (it may be empty)", nameof(groups));
        }

        if (convention is not (AtrConvention.Direct or AtrConvention.Inverse))
        {
            throw new ArgumentOutOfRangeException(nameof(convention));
        }

        if (historicalBytes.Length > MaxHistoricalBytes)
        {
            throw new ArgumentException($"at most {MaxHistoricalBytes} historical bytes, got {historicalBytes.Length}", nameof(historicalBytes));
        }

        var result = new List<byte> { (byte)convention, 0 };
        var needTck = false;
        var yPosition = 1;
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g] ?? throw new ArgumentException($"interface group {g + 1} is null", nameof(groups));
            if (group.Protocol is { } p)
            {
                if (p is < 0 or > 15)
                {
                    throw new ArgumentException($"TD{g + 1} protocol {p} is not 0-15", nameof(groups));
                }

                if (g == 0 && p == 15)
                {
                    throw new ArgumentException("T=15 is invalid in TD1", nameof(groups));
                }

                needTck |= p != 0;
            }
            else if (g < groups.Count - 1)
            {
                throw new ArgumentException($"interface group {g + 1} has no protocol (TD{g + 1}), so group {g + 2} cannot follow", nameof(groups));
            }

            var y = (group.TA is null ? 0 : 0x1) | (group.TB is null ? 0 : 0x2) | (group.TC is null ? 0 : 0x4) | (group.Protocol is null ? 0 : 0x8);
            result[yPosition] |= (byte)(y << 4);
            AddIfPresent(result, group.TA);
            AddIfPresent(result, group.TB);
            AddIfPresent(result, group.TC);
            if (group.Protocol is { } t)
            {
                yPosition = result.Count;
                result.Add((byte)t);
            }
        }

        result[1] |= (byte)historicalBytes.Length;
        result.AddRange(historicalBytes);
        if (needTck)
        {
            result.Add(ComputeTck(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(result)[1..]));
        }

        if (result.Count > MaxLength)
        {
            throw new ArgumentException($"the ATR would have {result.Count} bytes, more than {MaxLength}");
        }

        return Parse(result.ToArray());
    }

    /// <summary>TCK for <paramref name="t0ToLastByteBeforeTck"/>: the XOR of T0 through the last historical byte.</summary>
    public static byte ComputeTck(ReadOnlySpan<byte> t0ToLastByteBeforeTck)
    {
        byte x = 0;
        foreach (var b in t0ToLastByteBeforeTck)
        {
            x ^= b;
        }

        return x;
    }

    public byte[] ToArray() => (byte[])bytes.Clone();

    /// <summary>Upper-case hex with spaces, e.g. <c>3B 89 80 01 …</c>.</summary>
    public override string ToString() => Hex.Format(bytes, " ");

    private AtrInterfaceGroup? Group(int i) => i >= 1 && i <= InterfaceGroups.Count ? InterfaceGroups[i - 1] : null;

    private static void AddIfPresent(List<byte> list, byte? value)
    {
        if (value is { } v)
        {
            list.Add(v);
        }
    }

    private static string? TryParseCore(ReadOnlySpan<byte> atr, out Atr? parsed)
    {
        parsed = null;
        if (atr.IsEmpty)
        {
            return "the ATR is empty";
        }

        if (atr.Length > MaxLength)
        {
            return $"an ATR has at most {MaxLength} bytes, got {atr.Length}";
        }

        AtrConvention convention;
        switch (atr[0])
        {
            case 0x3B:
                convention = AtrConvention.Direct;
                break;
            case 0x3F:
                convention = AtrConvention.Inverse;
                break;
            default:
                return $"TS {atr[0]:X2} is neither 3B (direct convention) nor 3F (inverse convention)";
        }

        if (atr.Length < 2)
        {
            return "ATR truncated: T0 is missing";
        }

        var historicalLength = atr[1] & 0x0F;
        var y = atr[1] >> 4;
        var i = 2;
        var groups = new List<AtrInterfaceGroup>();
        var tds = new List<byte?>();
        var needTck = false;
        for (var n = 1; ; n++)
        {
            byte? ta = null, tb = null, tc = null, td = null;
            foreach (var (bit, name) in new[] { (1, "TA"), (2, "TB"), (4, "TC"), (8, "TD") })
            {
                if ((y & bit) == 0)
                {
                    continue;
                }

                if (i >= atr.Length)
                {
                    return $"ATR truncated: interface byte {name}{n} is announced but missing";
                }

                var b = atr[i++];
                switch (bit)
                {
                    case 1: ta = b; break;
                    case 2: tb = b; break;
                    case 4: tc = b; break;
                    default: td = b; break;
                }
            }

            int? protocol = td is { } d ? d & 0x0F : null;
            if (n == 1 && protocol == 15)
            {
                return "TD1 indicates T=15, which is invalid in TD1";
            }

            needTck |= protocol is not null and not 0;
            groups.Add(new AtrInterfaceGroup(ta, tb, tc, protocol));
            tds.Add(td);
            if (td is null)
            {
                break;
            }

            y = td.Value >> 4;
        }

        if (atr.Length - i < historicalLength)
        {
            return $"ATR truncated: T0 announces {historicalLength} historical bytes, {atr.Length - i} present";
        }

        var historicalOffset = i;
        i += historicalLength;
        byte? tck = null;
        if (needTck)
        {
            if (i >= atr.Length)
            {
                return "ATR truncated: TCK is missing (required because a protocol other than T=0 is indicated)";
            }

            tck = atr[i];
            var expected = ComputeTck(atr[1..i]);
            if (expected != tck)
            {
                return $"bad TCK {tck:X2}: the XOR of T0 to TCK must be 00, the TCK should be {expected:X2}";
            }

            i++;
        }

        if (i < atr.Length)
        {
            return needTck
                ? $"{atr.Length - i} unexpected byte(s) after the TCK"
                : $"{atr.Length - i} unexpected byte(s) after the historical bytes (no TCK when only T=0 is indicated)";
        }

        parsed = new Atr(atr.ToArray(), convention, [.. groups], [.. tds], historicalOffset, historicalLength, tck);
        return null;
    }
}

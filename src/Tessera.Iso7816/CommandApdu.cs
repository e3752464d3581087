namespace Tessera.Iso7816;

/// <summary>
/// An immutable command APDU: header CLA INS P1 P2, command data (Nc bytes) and the maximum expected
/// response length Ne (0 = no Le field; 256 / 65536 = Le <c>00</c> / <c>0000</c>).
/// </summary>
public sealed class CommandApdu
{
    public const int MaxShortNc = 255;
    public const int MaxShortNe = 256;
    public const int MaxExtendedNc = 65535;
    public const int MaxExtendedNe = 65536;

    private readonly ReadOnlyMemory<byte> data;

    /// <summary>
    /// Builds a command; the short encoding is chosen unless Nc &gt; 255, Ne &gt; 256 or <paramref name="extended"/>
    /// (ignored for case 1, which has no length fields). <paramref name="data"/> is not copied.
    /// </summary>
    public CommandApdu(byte cla, byte ins, byte p1, byte p2, ReadOnlyMemory<byte> data = default, int ne = 0, bool extended = false)
    {
        if (data.Length > MaxExtendedNc)
        {
            throw new ArgumentOutOfRangeException(nameof(data), data.Length, "command data longer than 65535 bytes");
        }

        if (ne is < 0 or > MaxExtendedNe)
        {
            throw new ArgumentOutOfRangeException(nameof(ne), ne, "Ne must be 0..65536");
        }

        Cla = cla;
        Ins = ins;
        P1 = p1;
        P2 = p2;
        this.data = data;
        Ne = ne;
        // Case 1 has no length fields, so it has no extended form either.
        IsExtended = (extended && (data.Length > 0 || ne > 0)) || data.Length > MaxShortNc || ne > MaxShortNe;
    }

    private CommandApdu(byte cla, byte ins, byte p1, byte p2, ReadOnlyMemory<byte> data, int ne, bool extended, ApduCase parsedCase)
    {
        Cla = cla;
        Ins = ins;
        P1 = p1;
        P2 = p2;
        this.data = data;
        Ne = ne;
        IsExtended = extended;
        System.Diagnostics.Debug.Assert(Case == parsedCase, "parsed case must match the derived case");
    }

    public byte Cla { get; }

    public byte Ins { get; }

    public byte P1 { get; }

    public byte P2 { get; }

    /// <summary>P1 and P2 as one big-endian 16-bit value.</summary>
    public ushort P1P2 => (ushort)((P1 << 8) | P2);

    public ReadOnlyMemory<byte> Data => data;

    /// <summary>Nc, the number of command data bytes.</summary>
    public int Nc => data.Length;

    /// <summary>Ne, the maximum number of response data bytes expected (0 when Le is absent).</summary>
    public int Ne { get; }

    public bool HasLe => Ne > 0;

    public bool IsExtended { get; }

    public ApduCase Case => (Nc > 0, HasLe, IsExtended) switch
    {
        (false, false, _) => ApduCase.Case1,
        (false, true, false) => ApduCase.Case2Short,
        (true, false, false) => ApduCase.Case3Short,
        (true, true, false) => ApduCase.Case4Short,
        (false, true, true) => ApduCase.Case2Extended,
        (true, false, true) => ApduCase.Case3Extended,
        (true, true, true) => ApduCase.Case4Extended,
    };

    /// <summary>The logical channel number the CLA byte addresses (0..19), see <see cref="ClassByte"/>.</summary>
    public int Channel => ClassByte.Channel(Cla);

    public int EncodedLength => 4 + (Case switch
    {
        ApduCase.Case1 => 0,
        ApduCase.Case2Short => 1,
        ApduCase.Case3Short => 1 + Nc,
        ApduCase.Case4Short => 2 + Nc,
        ApduCase.Case2Extended => 3,
        ApduCase.Case3Extended => 3 + Nc,
        _ => 5 + Nc,
    });

    /// <summary>Parses a command APDU in any of the seven cases; throws <see cref="ApduFormatException"/> (6700).</summary>
    public static CommandApdu Parse(ReadOnlyMemory<byte> bytes)
    {
        if (!TryParse(bytes, out var apdu, out var reason))
        {
            throw new ApduFormatException(reason, StatusWords.WrongLength);
        }

        return apdu;
    }

    /// <summary>Parses without copying: <see cref="Data"/> is a slice of <paramref name="bytes"/>.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> bytes, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out CommandApdu? apdu, out string reason)
    {
        apdu = null;
        var b = bytes.Span;
        var length = b.Length;
        if (length < 4)
        {
            reason = $"an APDU has at least 4 header bytes, got {length}";
            return false;
        }

        byte cla = b[0], ins = b[1], p1 = b[2], p2 = b[3];
        if (length == 4)
        {
            apdu = new CommandApdu(cla, ins, p1, p2, default, 0, false, ApduCase.Case1);
            reason = string.Empty;
            return true;
        }

        if (length == 5)
        {
            apdu = new CommandApdu(cla, ins, p1, p2, default, b[4] == 0 ? 256 : b[4], false, ApduCase.Case2Short);
            reason = string.Empty;
            return true;
        }

        if (b[4] != 0)
        {
            int lc = b[4];
            if (length == 5 + lc)
            {
                apdu = new CommandApdu(cla, ins, p1, p2, bytes.Slice(5, lc), 0, false, ApduCase.Case3Short);
            }
            else if (length == 6 + lc)
            {
                apdu = new CommandApdu(cla, ins, p1, p2, bytes.Slice(5, lc), b[length - 1] == 0 ? 256 : b[length - 1], false, ApduCase.Case4Short);
            }
            else
            {
                reason = $"short Lc {lc} does not match the {length - 5} bytes that follow it";
                return false;
            }

            reason = string.Empty;
            return true;
        }

        if (length < 7)
        {
            reason = $"an extended-length APDU has at least 7 bytes, got {length}";
            return false;
        }

        var l = (b[5] << 8) | b[6];
        if (length == 7)
        {
            apdu = new CommandApdu(cla, ins, p1, p2, default, l == 0 ? 65536 : l, true, ApduCase.Case2Extended);
            reason = string.Empty;
            return true;
        }

        if (l == 0)
        {
            reason = "extended Lc 0000 is not allowed";
            return false;
        }

        if (length == 7 + l)
        {
            apdu = new CommandApdu(cla, ins, p1, p2, bytes.Slice(7, l), 0, true, ApduCase.Case3Extended);
        }
        else if (length == 9 + l)
        {
            var le = (b[length - 2] << 8) | b[length - 1];
            apdu = new CommandApdu(cla, ins, p1, p2, bytes.Slice(7, l), le == 0 ? 65536 : le, true, ApduCase.Case4Extended);
        }
        else
        {
            reason = $"extended Lc {l} does not match the {length - 7} bytes that follow it";
            return false;
        }

        reason = string.Empty;
        return true;
    }

    /// <summary>Returns the same command with another CLA byte (for example with other channel bits).</summary>
    public CommandApdu WithCla(byte cla) => new(cla, Ins, P1, P2, data, Ne, IsExtended, Case);

    /// <summary>Returns the same command with another Ne.</summary>
    public CommandApdu WithNe(int ne) => new(Cla, Ins, P1, P2, data, ne, IsExtended);

    public byte[] ToArray()
    {
        var result = new byte[EncodedLength];
        Encode(result);
        return result;
    }

    /// <summary>Writes the encoding into <paramref name="destination"/> and returns the number of bytes written.</summary>
    public int Encode(Span<byte> destination)
    {
        var length = EncodedLength;
        if (destination.Length < length)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        destination[0] = Cla;
        destination[1] = Ins;
        destination[2] = P1;
        destination[3] = P2;
        var i = 4;
        if (IsExtended)
        {
            if (Nc > 0)
            {
                destination[i++] = 0;
                destination[i++] = (byte)(Nc >> 8);
                destination[i++] = (byte)Nc;
                data.Span.CopyTo(destination[i..]);
                i += Nc;
                if (HasLe)
                {
                    destination[i++] = (byte)(Ne >> 8);
                    destination[i++] = (byte)Ne;
                }
            }
            else if (HasLe)
            {
                destination[i++] = 0;
                destination[i++] = (byte)(Ne >> 8);
                destination[i++] = (byte)Ne;
            }
        }
        else
        {
            if (Nc > 0)
            {
                destination[i++] = (byte)Nc;
                data.Span.CopyTo(destination[i..]);
                i += Nc;
            }

            if (HasLe)
            {
                destination[i++] = (byte)Ne;
            }
        }

        return i;
    }

    public override string ToString() => Convert.ToHexString(ToArray());
}

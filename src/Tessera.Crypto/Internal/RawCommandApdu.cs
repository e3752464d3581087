using System.Diagnostics.CodeAnalysis;

namespace Tessera.Crypto.Internal;

/// <summary>
/// A minimal ISO/IEC 7816-4 command APDU codec for secure messaging: header, data, Le and whether the length
/// fields use the extended form. Decoding follows the case rules of ISO 7816-4 (cases 1, 2S/3S/4S, 2E/3E/4E).
/// </summary>
internal sealed class RawCommandApdu
{
    public const int MaxShortData = 255;
    public const int MaxExtendedData = 65535;

    public RawCommandApdu(byte cla, byte ins, byte p1, byte p2, byte[] data, int ne, bool extended)
    {
        Cla = cla;
        Ins = ins;
        P1 = p1;
        P2 = p2;
        Data = data;
        Ne = ne;
        Extended = extended;
    }

    public byte Cla { get; }

    public byte Ins { get; }

    public byte P1 { get; }

    public byte P2 { get; }

    public byte[] Data { get; }

    /// <summary>Maximum expected response length; 0 means no Le field (256 / 65536 for Le 00 / 0000).</summary>
    public int Ne { get; }

    /// <summary>True when Lc and Le use the extended (3-byte / 2- or 3-byte) form.</summary>
    public bool Extended { get; }

    public static bool TryParse(ReadOnlySpan<byte> apdu, [NotNullWhen(true)] out RawCommandApdu? command)
    {
        command = null;
        if (apdu.Length < 4)
        {
            return false;
        }

        byte cla = apdu[0], ins = apdu[1], p1 = apdu[2], p2 = apdu[3];
        if (apdu.Length == 4)
        {
            command = new RawCommandApdu(cla, ins, p1, p2, [], 0, false);
            return true;
        }

        int b4 = apdu[4];
        if (apdu.Length == 5)
        {
            command = new RawCommandApdu(cla, ins, p1, p2, [], b4 == 0 ? 256 : b4, false);
            return true;
        }

        if (b4 != 0)
        {
            if (apdu.Length == 5 + b4)
            {
                command = new RawCommandApdu(cla, ins, p1, p2, apdu.Slice(5, b4).ToArray(), 0, false);
                return true;
            }

            if (apdu.Length == 6 + b4)
            {
                int le = apdu[^1];
                command = new RawCommandApdu(cla, ins, p1, p2, apdu.Slice(5, b4).ToArray(), le == 0 ? 256 : le, false);
                return true;
            }

            return false;
        }

        if (apdu.Length < 7)
        {
            return false;
        }

        int l = (apdu[5] << 8) | apdu[6];
        if (apdu.Length == 7)
        {
            command = new RawCommandApdu(cla, ins, p1, p2, [], l == 0 ? 65536 : l, true);
            return true;
        }

        if (l == 0)
        {
            return false;
        }

        if (apdu.Length == 7 + l)
        {
            command = new RawCommandApdu(cla, ins, p1, p2, apdu.Slice(7, l).ToArray(), 0, true);
            return true;
        }

        if (apdu.Length == 9 + l)
        {
            int le = (apdu[^2] << 8) | apdu[^1];
            command = new RawCommandApdu(cla, ins, p1, p2, apdu.Slice(7, l).ToArray(), le == 0 ? 65536 : le, true);
            return true;
        }

        return false;
    }

    /// <summary>The Lc field for <paramref name="dataLength"/> bytes: 1 byte, or <c>00 hi lo</c> when extended.</summary>
    public static byte[] EncodeLc(int dataLength, bool extended) =>
        extended ? [0x00, (byte)(dataLength >> 8), (byte)dataLength] : [(byte)dataLength];

    public static byte[] Encode(byte cla, byte ins, byte p1, byte p2, ReadOnlySpan<byte> data, int ne, bool extended)
    {
        if (data.Length > MaxExtendedData || (!extended && data.Length > MaxShortData))
        {
            throw new ArgumentException("The command data is too long for this APDU form.", nameof(data));
        }

        if (ne < 0 || ne > 65536 || (!extended && ne > 256))
        {
            throw new ArgumentOutOfRangeException(nameof(ne), "Ne does not fit this APDU form.");
        }

        int lcLength = data.IsEmpty ? 0 : (extended ? 3 : 1);
        int leLength = ne == 0 ? 0 : (!extended ? 1 : (data.IsEmpty ? 3 : 2));
        var apdu = new byte[4 + lcLength + data.Length + leLength];
        apdu[0] = cla;
        apdu[1] = ins;
        apdu[2] = p1;
        apdu[3] = p2;
        int offset = 4;
        if (!data.IsEmpty)
        {
            EncodeLc(data.Length, extended).CopyTo(apdu, offset);
            offset += lcLength;
            data.CopyTo(apdu.AsSpan(offset));
            offset += data.Length;
        }

        if (ne != 0)
        {
            if (!extended)
            {
                apdu[offset] = (byte)(ne == 256 ? 0 : ne);
            }
            else
            {
                if (data.IsEmpty)
                {
                    apdu[offset++] = 0x00;
                }

                int value = ne == 65536 ? 0 : ne;
                apdu[offset] = (byte)(value >> 8);
                apdu[offset + 1] = (byte)value;
            }
        }

        return apdu;
    }
}

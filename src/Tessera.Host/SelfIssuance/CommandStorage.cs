using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>One EF of command storage as the file management table lists it (SPEC §4.1).</summary>
/// <param name="Fid">file identifier (tag <c>83</c>).</param>
/// <param name="Size">EF size in bytes (tag <c>80</c>).</param>
/// <param name="Flags">flags (tag <c>C0</c>): bit 0 = direct access allowed through the memory interface.</param>
/// <param name="Name">command group name (tag <c>C8</c>), when it has one.</param>
public sealed record CommandStorageFile(ushort Fid, long Size, byte Flags, string? Name)
{
    /// <summary>True when the EF may be written through the memory interface.</summary>
    public bool DirectAccess => (Flags & 0x01) != 0;
}

/// <summary>
/// Command storage (SPEC §4.1, §4.2): the DF <c>7F50</c> whose transparent EFs hold simultaneous commands, the
/// commands the external device uses on it (SELECT, CREATE FILE, DELETE FILE, UPDATE BINARY with odd INS), the file
/// management table (GET DATA <c>FF50</c>) and the card's issuance public key (GET DATA <c>DF51</c>).
/// </summary>
public static class CommandStorage
{
    /// <summary>FID of the command storage DF.</summary>
    public const ushort DfFid = 0x7F50;

    /// <summary>The default EF a self-issuance manager writes its simultaneous command into.</summary>
    public const ushort DefaultEfFid = 0x5F01;

    /// <summary>GET DATA tag of the file management table.</summary>
    public const ushort FileManagementTableTag = 0xFF50;

    /// <summary>Access condition <c>30</c>: an ISD secure channel at AUTHENTICATED or higher on the logical channel.</summary>
    public const byte IsdSecureChannel = 0x30;

    /// <summary>Largest data field of an extended command APDU.</summary>
    public const int MaxExtendedData = CommandApdu.MaxExtendedNc;

    /// <summary>SELECT of the command storage DF by FID, no answer data: <c>00 A4 00 0C 02 7F50</c>.</summary>
    public static CommandApdu SelectDf() => new(0x00, 0xA4, 0x00, 0x0C, U16(DfFid));

    /// <summary>SELECT of an EF under the current DF with the FCP answered: <c>00 A4 02 00 02 fid 00</c>.</summary>
    public static CommandApdu SelectEf(ushort fid) => new(0x00, 0xA4, 0x02, 0x00, U16(fid), ne: 256);

    /// <summary>
    /// CREATE FILE of a transparent EF of <paramref name="size"/> bytes under the current DF: <c>00 E0 00 00</c> with
    /// <c>62 { 82 01 01, 83 fid, 80 size (2 bytes, or 4 above FFFF), A5 { C0 flags, C1 30, C2 30, C3 30 } }</c>;
    /// flags bit 0 allows direct access through the memory interface.
    /// </summary>
    public static CommandApdu CreateEf(ushort fid, long size, bool directAccess = true)
    {
        CheckFid(fid);
        if (size is < 1 or > uint.MaxValue)
        {
            throw new ArgumentException($"an EF size is 1 to {uint.MaxValue} bytes, not {size}", nameof(size));
        }

        var sizeBytes = size <= 0xFFFF ? U16((ushort)size) : U32((uint)size);
        var proprietary = Concat(
            BerTlv.Encode(new BerTag(0xC0), [directAccess ? (byte)0x01 : (byte)0x00]),
            BerTlv.Encode(new BerTag(0xC1), [IsdSecureChannel]),
            BerTlv.Encode(new BerTag(0xC2), [IsdSecureChannel]),
            BerTlv.Encode(new BerTag(0xC3), [IsdSecureChannel]));
        var fcp = BerTlv.Encode(new BerTag(0x62), Concat(
            BerTlv.Encode(new BerTag(0x82), [0x01]),
            BerTlv.Encode(new BerTag(0x83), U16(fid)),
            BerTlv.Encode(new BerTag(0x80), sizeBytes),
            BerTlv.Encode(new BerTag(0xA5), proprietary)));
        return new CommandApdu(0x00, 0xE0, 0x00, 0x00, fcp);
    }

    /// <summary>DELETE FILE of the child <paramref name="fid"/> of the current DF: <c>00 E4 00 00 02 fid</c>.</summary>
    public static CommandApdu DeleteEf(ushort fid)
    {
        CheckFid(fid);
        return new CommandApdu(0x00, 0xE4, 0x00, 0x00, U16(fid));
    }

    /// <summary>
    /// UPDATE BINARY with odd INS, extended length: <c>00 D7 fid 00 Lc(3) 54 L offset 53 L data</c>, the offset in the
    /// fewest bytes (1 to 4) and the data object's length in BER form.
    /// </summary>
    public static CommandApdu UpdateBinary(ushort fid, long offset, ReadOnlySpan<byte> data)
    {
        CheckFid(fid);
        var field = UpdateBinaryData(offset, data);
        if (field.Length > MaxExtendedData)
        {
            throw new ArgumentException($"{data.Length} bytes at offset {offset} do not fit one extended UPDATE BINARY", nameof(data));
        }

        return new CommandApdu(0x00, 0xD7, (byte)(fid >> 8), (byte)fid, field, extended: true);
    }

    /// <summary>
    /// The most content bytes one UPDATE BINARY (odd INS) at <paramref name="offset"/> carries when its data field,
    /// after SCP03 wrapping at <paramref name="level"/> (padding and C-MAC), must fit 65535 bytes.
    /// </summary>
    public static int MaxUpdateBinaryChunk(Scp03SecurityLevel level, long offset)
    {
        var chunk = MaxExtendedData - OffsetObjectLength(offset) - 4;
        while (chunk > 0 && Scp03Wrapper.WrappedDataLength(OffsetObjectLength(offset) + BerTlv.GetEncodedSize(new BerTag(0x53), chunk), level) > MaxExtendedData)
        {
            chunk--;
        }

        return chunk;
    }

    /// <summary>
    /// Size and flags of an EF from its FCP template (<c>62 { 80 size, …, A5 { C0 flags … } }</c>, the answer to
    /// SELECT with P2 <c>00</c>); <see cref="FormatException"/> when it has no size.
    /// </summary>
    public static (long Size, byte Flags) ParseEfFcp(ReadOnlySpan<byte> fcp)
    {
        TlvNode node;
        try
        {
            node = TlvNode.Parse(fcp);
        }
        catch (TlvFormatException e)
        {
            throw new FormatException($"the FCP is not BER-TLV: {e.Message}", e);
        }

        if (node.Tag.Value != 0x62)
        {
            throw new FormatException($"an FCP template is 62, not {node.Tag}");
        }

        var sizeNode = node.Children.FirstOrDefault(c => c.Tag.Value == 0x80) ?? throw new FormatException("the FCP has no EF size (80)");
        var flagsNode = node.Children.FirstOrDefault(c => c.Tag.Value == 0xA5)?.Children.FirstOrDefault(c => c.Tag.Value == 0xC0);
        var flags = flagsNode is { Value.Length: 1 } ? flagsNode.Value.Span[0] : (byte)0;
        return (UnsignedValue(sizeNode.Value.Span, "EF size (80)"), flags);
    }

    /// <summary>
    /// Parses the file management table, GET DATA <c>FF50</c>: <c>FF50 { 61 { 83 fid, 80 size, C0 flags, C8 name? } … }</c>
    /// (the bare sequence of <c>61</c> entries is accepted too). Tags inside an entry that SPEC §4.1 does not name are
    /// skipped; a missing or malformed <c>83</c>/<c>80</c>/<c>C0</c>, anything but <c>61</c> entries, or bad BER-TLV
    /// throws <see cref="FormatException"/>.
    /// </summary>
    public static IReadOnlyList<CommandStorageFile> ParseFileManagementTable(ReadOnlySpan<byte> response)
    {
        var entries = response;
        if (BerTlv.TryReadElement(response, out var outer, out var outerValue, out var consumed) && outer.Value == FileManagementTableTag)
        {
            if (consumed != response.Length)
            {
                throw new FormatException($"{response.Length - consumed} bytes follow the FF50 template");
            }

            entries = outerValue;
        }

        var files = new List<CommandStorageFile>();
        while (!entries.IsEmpty)
        {
            if (!BerTlv.TryReadElement(entries, out var tag, out var entry, out var used))
            {
                throw new FormatException($"malformed data object in the file management table: {Convert.ToHexString(entries)}");
            }

            if (tag.Value != 0x61)
            {
                throw new FormatException($"a file management table entry is 61, not {tag}");
            }

            files.Add(ParseEntry(entry));
            entries = entries[used..];
        }

        return files;
    }

    /// <summary>
    /// The card's issuance public key from a GET DATA <c>DF51</c> answer: <c>DF51 41 ‖ 65 bytes</c>, or the bare 65
    /// bytes. <see cref="FormatException"/> unless it is an uncompressed point on P-256.
    /// </summary>
    public static byte[] ParseIssuancePublicKey(ReadOnlySpan<byte> response)
    {
        var point = GetDataCommand.ValueOf(GetDataCommand.IssuancePublicKey, response.ToArray()).Span;
        if (point.Length != IssuanceKeyPair.PublicKeyLength || point[0] != 0x04)
        {
            throw new FormatException($"the card issuance public key is a 65-byte uncompressed point (04 ‖ X ‖ Y); DF51 answered {Convert.ToHexString(response)}");
        }

        try
        {
            using var key = ECDiffieHellman.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = point[1..33].ToArray(), Y = point[33..].ToArray() },
            });
        }
        catch (CryptographicException e)
        {
            throw new FormatException("the card issuance public key is not a point on P-256", e);
        }

        return point.ToArray();
    }

    private static CommandStorageFile ParseEntry(ReadOnlySpan<byte> entry)
    {
        ushort? fid = null;
        long? size = null;
        byte? flags = null;
        string? name = null;
        var seen = new HashSet<uint>();
        while (!entry.IsEmpty)
        {
            if (!BerTlv.TryReadElement(entry, out var tag, out var v, out var used))
            {
                throw new FormatException($"malformed data object in a file management table entry: {Convert.ToHexString(entry)}");
            }

            if (!seen.Add(tag.Value))
            {
                throw new FormatException($"tag {tag} appears twice in a file management table entry");
            }

            switch (tag.Value)
            {
                case 0x83:
                    fid = v.Length == 2 ? BinaryPrimitives.ReadUInt16BigEndian(v) : throw new FormatException($"FID (83) is 2 bytes, not {v.Length}");
                    break;
                case 0x80:
                    size = v.Length is 2 or 4 ? UnsignedValue(v, "EF size (80)") : throw new FormatException($"EF size (80) is 2 or 4 bytes, not {v.Length}");
                    break;
                case 0xC0:
                    flags = v.Length == 1 ? v[0] : throw new FormatException($"flags (C0) are 1 byte, not {v.Length}");
                    break;
                case 0xC8:
                    name = v.IsEmpty ? throw new FormatException("an empty command group name (C8)") : Encoding.ASCII.GetString(v);
                    break;
            }

            entry = entry[used..];
        }

        return new CommandStorageFile(
            fid ?? throw new FormatException("a file management table entry has no FID (83)"),
            size ?? throw new FormatException("a file management table entry has no size (80)"),
            flags ?? throw new FormatException("a file management table entry has no flags (C0)"),
            name);
    }

    private static long UnsignedValue(ReadOnlySpan<byte> value, string what)
    {
        if (value.Length is < 1 or > 4)
        {
            throw new FormatException($"{what} is 1 to 4 bytes, not {value.Length}");
        }

        long result = 0;
        foreach (var b in value)
        {
            result = (result << 8) | b;
        }

        return result;
    }

    private static byte[] UpdateBinaryData(long offset, ReadOnlySpan<byte> data)
    {
        if (offset is < 0 or > uint.MaxValue)
        {
            throw new ArgumentException($"an offset is 0 to {uint.MaxValue}, not {offset}", nameof(offset));
        }

        if (data.IsEmpty)
        {
            throw new ArgumentException("UPDATE BINARY needs data", nameof(data));
        }

        var offsetBytes = OffsetObjectLength(offset) - 2;
        var encodedOffset = new byte[offsetBytes];
        for (var i = 0; i < offsetBytes; i++)
        {
            encodedOffset[i] = (byte)(offset >> (8 * (offsetBytes - 1 - i)));
        }

        return Concat(BerTlv.Encode(new BerTag(0x54), encodedOffset), BerTlv.Encode(new BerTag(0x53), data));
    }

    /// <summary>Bytes of the <c>54</c> offset data object: tag, length and 1 to 4 value bytes.</summary>
    private static int OffsetObjectLength(long offset) => 2 + (offset <= 0xFF ? 1 : offset <= 0xFFFF ? 2 : offset <= 0xFFFFFF ? 3 : 4);

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="fid"/> cannot name an EF in command storage.</summary>
    internal static void CheckFid(ushort fid)
    {
        if (fid is 0x0000 or 0x3F00 or 0x3FFF or 0xFFFF or DfFid)
        {
            throw new ArgumentException($"{fid:X4} cannot name a command storage EF", nameof(fid));
        }
    }

    private static byte[] U16(ushort value) => [(byte)(value >> 8), (byte)value];

    private static byte[] U32(uint value) => [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value];

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

using Tessera.Iso7816;

namespace Tessera.Card.FileSystem;

/// <summary>
/// The FCP template (tag <c>62</c>) of SPEC §2: encoded in SELECT answers, decoded from CREATE FILE. Tags:
/// <c>80</c> EF size, <c>82</c> file descriptor, <c>83</c> FID, <c>84</c> DF name, <c>8A</c> life cycle status
/// (answers only), <c>A5</c> proprietary { <c>C0</c> flags, <c>C1</c> read, <c>C2</c> update, <c>C3</c> delete,
/// <c>C4</c> create }.
/// </summary>
public static class FileControlParameters
{
    public const byte TemplateTag = 0x62;
    private const byte LifeCycleOperationalActivated = 0x05;

    public static byte[] Encode(CardFile file)
    {
        var body = new List<byte>(48);
        if (!file.IsDf)
        {
            body.AddRange(file.Size <= 0xFFFF
                ? EncodeTlv(0x80, [(byte)(file.Size >> 8), (byte)file.Size])
                : EncodeTlv(0x80, [(byte)(file.Size >> 24), (byte)(file.Size >> 16), (byte)(file.Size >> 8), (byte)file.Size]));
        }

        body.AddRange(EncodeTlv(0x82, [(byte)file.Kind]));
        body.AddRange(EncodeTlv(0x83, [(byte)(file.Fid >> 8), (byte)file.Fid]));
        if (file.DfName is not null)
        {
            body.AddRange(EncodeTlv(0x84, file.DfName));
        }

        body.AddRange(EncodeTlv(0x8A, [LifeCycleOperationalActivated]));
        var proprietary = new List<byte>(15);
        proprietary.AddRange(EncodeTlv(0xC0, [file.Flags]));
        proprietary.AddRange(EncodeTlv(0xC1, [file.Rules.Read.Value]));
        if (!file.IsDf)
        {
            proprietary.AddRange(EncodeTlv(0xC2, [file.Rules.Update.Value]));
        }

        proprietary.AddRange(EncodeTlv(0xC3, [file.Rules.Delete.Value]));
        if (file.IsDf)
        {
            proprietary.AddRange(EncodeTlv(0xC4, [file.Rules.Create.Value]));
        }

        body.AddRange(EncodeTlv(0xA5, proprietary.ToArray()));
        return EncodeTlv(TemplateTag, body.ToArray());
    }

    /// <summary>
    /// Decodes the data field of CREATE FILE. Absent access conditions default to: read <c>00</c>, update, delete and
    /// create = the create condition of <paramref name="parent"/> (docs/PROTOCOL.md). Throws <see cref="IsoException"/>
    /// <c>6A80</c> for unknown tags, duplicates, bad lengths or values.
    /// </summary>
    public static FileSpec DecodeForCreate(ReadOnlyMemory<byte> data, CardFile parent)
    {
        var elements = ReadTlvs(data);
        if (elements.Count != 1 || elements[0].Tag != TemplateTag)
        {
            throw new IsoException(StatusWords.IncorrectDataField, "CREATE FILE data must be one FCP template (62)");
        }

        byte? descriptor = null;
        ushort? fid = null;
        byte[]? name = null;
        int? size = null;
        byte flags = 0;
        byte? read = null, update = null, delete = null, create = null;
        var seen = new HashSet<uint>();
        foreach (var (tag, value) in ReadTlvs(elements[0].Value))
        {
            if (!seen.Add(tag))
            {
                throw new IsoException(StatusWords.IncorrectDataField, $"FCP tag {tag:X2} appears twice");
            }

            var v = value.Span;
            switch (tag)
            {
                case 0x82:
                    descriptor = v.Length == 1 ? v[0] : throw Bad("file descriptor (82) is one byte here");
                    break;
                case 0x83:
                    fid = v.Length == 2 ? (ushort)((v[0] << 8) | v[1]) : throw Bad("file identifier (83) is 2 bytes");
                    break;
                case 0x84:
                    name = v.Length is >= 1 and <= 16 ? v.ToArray() : throw Bad("DF name (84) is 1 to 16 bytes");
                    break;
                case 0x80:
                    if (v.Length is not (2 or 4))
                    {
                        throw Bad("EF size (80) is 2 or 4 bytes");
                    }

                    long s = 0;
                    foreach (var b in v)
                    {
                        s = (s << 8) | b;
                    }

                    size = s <= int.MaxValue ? (int)s : throw new IsoException(StatusWords.NotEnoughMemory, "EF size beyond the card's NVM");
                    break;
                case 0xA5:
                    DecodeProprietary(value, ref flags, ref read, ref update, ref delete, ref create);
                    break;
                default:
                    throw Bad($"FCP tag {tag:X2} is not known to this card");
            }
        }

        var kind = descriptor switch
        {
            0x01 => FileKind.TransparentEf,
            0x38 => FileKind.Df,
            null => throw Bad("the file descriptor (82) is missing"),
            _ => throw Bad($"file descriptor {descriptor:X2} is not supported (01 transparent EF, 38 DF)"),
        };
        if (fid is null)
        {
            throw Bad("the file identifier (83) is missing");
        }

        if (kind == FileKind.TransparentEf)
        {
            if (size is null)
            {
                throw Bad("an EF needs its size (80)");
            }

            if (name is not null || create is not null)
            {
                throw Bad("an EF has no DF name (84) and no create condition (C4)");
            }
        }
        else if (size is not null || update is not null)
        {
            throw Bad("a DF has no size (80) and no update condition (C2)");
        }

        if ((flags & ~CardFile.DirectAccessFlag) != 0)
        {
            throw Bad($"flags {flags:X2}: only bit 0 (direct access) is defined");
        }

        var inherited = parent.Rules.Create.Value;
        var rules = new AccessRules(
            new AccessCondition(read ?? 0x00),
            new AccessCondition(kind == FileKind.Df ? (byte)0 : update ?? inherited),
            new AccessCondition(delete ?? inherited),
            new AccessCondition(kind == FileKind.Df ? create ?? inherited : (byte)0));
        return new FileSpec(kind, fid.Value, name, size ?? 0, flags, rules);
    }

    /// <summary>Encodes one BER-TLV data object.</summary>
    public static byte[] EncodeTlv(uint tag, ReadOnlySpan<byte> value) => BerTlv.Encode(new BerTag(tag), value);

    /// <summary>Reads consecutive BER-TLV data objects; malformed input is <c>6A80</c>.</summary>
    public static List<(uint Tag, ReadOnlyMemory<byte> Value)> ReadTlvs(ReadOnlyMemory<byte> data)
    {
        var result = new List<(uint, ReadOnlyMemory<byte>)>();
        var offset = 0;
        while (offset < data.Length)
        {
            if (!BerTlv.TryReadElement(data.Span[offset..], out var tag, out var value, out var consumed))
            {
                throw Bad("malformed BER-TLV data");
            }

            result.Add((tag.Value, data.Slice(offset + consumed - value.Length, value.Length)));
            offset += consumed;
        }

        return result;
    }

    private static void DecodeProprietary(ReadOnlyMemory<byte> value, ref byte flags, ref byte? read, ref byte? update, ref byte? delete, ref byte? create)
    {
        var seen = new HashSet<uint>();
        foreach (var (tag, v) in ReadTlvs(value))
        {
            if (!seen.Add(tag))
            {
                throw Bad($"proprietary tag {tag:X2} appears twice");
            }

            if (v.Length != 1)
            {
                throw Bad($"proprietary tag {tag:X2} is one byte");
            }

            var b = v.Span[0];
            if (tag is >= 0xC1 and <= 0xC4 && !AccessCondition.IsDefined(b))
            {
                throw Bad($"access condition {b:X2} is not defined");
            }

            switch (tag)
            {
                case 0xC0: flags = b; break;
                case 0xC1: read = b; break;
                case 0xC2: update = b; break;
                case 0xC3: delete = b; break;
                case 0xC4: create = b; break;
                default: throw Bad($"proprietary tag {tag:X2} is not known to this card");
            }
        }
    }

    private static IsoException Bad(string reason) => new(StatusWords.IncorrectDataField, reason);
}

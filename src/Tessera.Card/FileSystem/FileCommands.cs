using System.Buffers.Binary;
using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.FileSystem;

/// <summary>
/// The ISO 7816-4 file-system commands of SPEC §2: SELECT, READ BINARY, UPDATE BINARY (even and odd INS),
/// CREATE FILE and DELETE FILE, working on the current DF and EF of the command's logical channel.
/// </summary>
internal sealed class FileCommands(CardRuntime runtime)
{
    public const byte InsSelect = 0xA4;
    public const byte InsReadBinary = 0xB0;
    public const byte InsReadBinaryOdd = 0xB1;
    public const byte InsUpdateBinary = 0xD6;
    public const byte InsUpdateBinaryOdd = 0xD7;
    public const byte InsCreateFile = 0xE0;
    public const byte InsDeleteFile = 0xE4;

    private const int MaxEvenOffset = 0x7FFF;

    private CardFileSystem Files => runtime.Files;

    public CommandResponse Select(CommandContext context)
    {
        var apdu = context.Apdu;
        var channel = context.Channel;
        var returnFcp = apdu.P2 switch
        {
            0x00 or 0x04 => true,
            0x0C => false,
            _ => throw new IsoException(StatusWords.IncorrectP1P2, "SELECT P2 must be 00/04 (FCP) or 0C (no data)"),
        };
        var data = apdu.Data.Span;
        var currentDf = Files.FindNode(channel.CurrentDf) ?? Files.Mf;
        CardFile? target;
        switch (apdu.P1)
        {
            case 0x00:
                target = data.Length switch
                {
                    0 => Files.Mf,
                    2 => FindByFid(currentDf, BinaryPrimitives.ReadUInt16BigEndian(data)),
                    _ => throw new IsoException(StatusWords.WrongLength, "SELECT by FID takes a 2-byte identifier"),
                };
                break;
            case 0x01:
            case 0x02:
                if (data.Length != 2)
                {
                    throw new IsoException(StatusWords.WrongLength, "SELECT by FID takes a 2-byte identifier");
                }

                target = currentDf.Child(BinaryPrimitives.ReadUInt16BigEndian(data));
                if (target is not null && target.IsDf != (apdu.P1 == 0x01))
                {
                    target = null;
                }

                break;
            case 0x03:
                if (data.Length != 0)
                {
                    throw new IsoException(StatusWords.WrongLength, "SELECT parent DF takes no data");
                }

                target = currentDf.Parent ?? currentDf;
                break;
            case 0x04:
                return SelectByName(context, currentDf, returnFcp);
            case 0x08:
            case 0x09:
                target = FindByPath(apdu.P1 == 0x08 ? Files.Mf : currentDf, data, fromMf: apdu.P1 == 0x08);
                break;
            default:
                throw new IsoException(StatusWords.IncorrectP1P2, $"SELECT P1 {apdu.P1:X2} is not supported");
        }

        if (target is null)
        {
            throw new IsoException(StatusWords.FileNotFound);
        }

        MakeCurrent(channel, target);
        return returnFcp ? CommandResponse.WithData(FileControlParameters.Encode(target)) : CommandResponse.Ok;
    }

    public CommandResponse ReadBinary(CommandContext context)
    {
        var apdu = context.Apdu;
        var odd = apdu.Ins == InsReadBinaryOdd;
        long offset;
        CardFile ef;
        if (odd)
        {
            ef = OddInsTarget(context);
            offset = OddInsOffset(apdu.Data, requireData: false);
        }
        else
        {
            (ef, offset) = EvenInsTarget(context);
            if (apdu.Nc != 0)
            {
                throw new IsoException(StatusWords.WrongLength, "READ BINARY takes no data");
            }
        }

        if (apdu.Ne == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "READ BINARY needs Le");
        }

        CheckAccess(context, ef, ef.Rules.Read, "read");
        if (offset > ef.Size || (offset == ef.Size && ef.Size > 0))
        {
            throw new IsoException(StatusWords.WrongParametersOffsetOutsideEf, $"offset {offset} is beyond the end of the {ef.Size}-byte EF");
        }

        var available = (int)(ef.Size - offset);
        var maximumRequested = apdu.Ne is CommandApdu.MaxShortNe or CommandApdu.MaxExtendedNe;
        if (odd)
        {
            // Response: 53 L data, fitted into Ne with its own header.
            var room = apdu.Ne - 2;
            var count = Math.Min(available, room);
            while (count > 0 && BerLength(count) + 1 + count > apdu.Ne)
            {
                count--;
            }

            var content = new byte[count];
            Files.ReadContent(ef, (int)offset, content);
            var dataObject = FileControlParameters.EncodeTlv(0x53, content);
            var sw = count == available && dataObject.Length < apdu.Ne && !maximumRequested ? StatusWords.EndOfFileReached : StatusWords.Success;
            return new CommandResponse(dataObject, sw);
        }

        var length = Math.Min(available, apdu.Ne);
        var bytes = new byte[length];
        Files.ReadContent(ef, (int)offset, bytes);
        var status = length < apdu.Ne && !maximumRequested ? StatusWords.EndOfFileReached : StatusWords.Success;
        return new CommandResponse(bytes, status);
    }

    public CommandResponse UpdateBinary(CommandContext context)
    {
        var apdu = context.Apdu;
        CardFile ef;
        long offset;
        ReadOnlyMemory<byte> content;
        if (apdu.Ins == InsUpdateBinaryOdd)
        {
            ef = OddInsTarget(context);
            (offset, content) = OddInsOffsetAndData(apdu.Data);
        }
        else
        {
            (ef, offset) = EvenInsTarget(context);
            content = apdu.Data;
        }

        if (content.Length == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "UPDATE BINARY needs data");
        }

        CheckAccess(context, ef, ef.Rules.Update, "update");
        if (offset > ef.Size)
        {
            throw new IsoException(StatusWords.WrongParametersOffsetOutsideEf, $"offset {offset} is beyond the end of the {ef.Size}-byte EF");
        }

        if (offset + content.Length > ef.Size)
        {
            throw new IsoException(StatusWords.NotEnoughMemory, $"{content.Length} bytes at offset {offset} do not fit in the {ef.Size}-byte EF");
        }

        Files.WriteContent(ef, (int)offset, content.Span);
        return CommandResponse.Ok;
    }

    public CommandResponse CreateFile(CommandContext context)
    {
        var apdu = context.Apdu;
        if (apdu.P1P2 != 0)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "CREATE FILE P1-P2 must be 0000");
        }

        var parent = Files.FindNode(context.Channel.CurrentDf) ?? Files.Mf;
        CheckAccess(context, parent, parent.Rules.Create, "create files in");
        var spec = FileControlParameters.DecodeForCreate(apdu.Data, parent);
        var file = Files.Create(parent, spec);
        MakeCurrent(context.Channel, file);
        return CommandResponse.Ok;
    }

    public CommandResponse DeleteFile(CommandContext context)
    {
        var apdu = context.Apdu;
        if (apdu.P1P2 != 0)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "DELETE FILE P1-P2 must be 0000");
        }

        var channel = context.Channel;
        var currentDf = Files.FindNode(channel.CurrentDf) ?? Files.Mf;
        CardFile target = apdu.Data.Length switch
        {
            0 => channel.CurrentEf is { } ef ? Files.FindNode(ef)! : currentDf,
            2 => currentDf.Child(BinaryPrimitives.ReadUInt16BigEndian(apdu.Data.Span))
                ?? throw new IsoException(StatusWords.FileNotFound),
            _ => throw new IsoException(StatusWords.WrongLength, "DELETE FILE takes no data (current file) or a 2-byte FID"),
        };
        if (target.IsMf)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the MF cannot be deleted");
        }

        if (target.NodeId == Files.CommandStorage.NodeId)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the command storage DF 7F50 cannot be deleted");
        }

        CheckAccess(context, target, target.Rules.Delete, "delete");
        var parent = target.Parent!;
        var removed = target.Subtree().Select(f => f.NodeId).ToHashSet();
        Files.Delete(target);
        foreach (var ch in runtime.Session(context.Interface)!.OpenChannels.Concat(OtherInterfaceChannels(context.Interface)))
        {
            if (removed.Contains(ch.CurrentDf))
            {
                ch.CurrentDf = parent.NodeId;
            }

            if (ch.CurrentEf is { } e && removed.Contains(e))
            {
                ch.CurrentEf = null;
            }
        }

        return CommandResponse.Ok;
    }

    private IEnumerable<LogicalChannel> OtherInterfaceChannels(CardInterface self) =>
        Enum.GetValues<CardInterface>().Where(i => i != self).Select(runtime.Session).OfType<InterfaceSession>().SelectMany(s => s.OpenChannels);

    private CommandResponse SelectByName(CommandContext context, CardFile currentDf, bool returnFcp)
    {
        var apdu = context.Apdu;
        if (apdu.Nc > 16)
        {
            throw new IsoException(StatusWords.WrongLength, "a DF name is 1 to 16 bytes");
        }

        // An empty name selects the ISD (GP SELECT without data); the resolver answers it or nothing.
        if (runtime.ApplicationResolver(apdu.Data) is { } application)
        {
            var channel = context.Channel;

            // SPEC §3: selecting an application ends the channel's secure channel session.
            channel.EndSecureChannel();
            if (!ReferenceEquals(channel.SelectedApplication, application))
            {
                channel.SelectedApplication?.Deselect(channel);
            }

            channel.SelectedApplication = application;
            application.Select(channel);
            return application.Process(context);
        }

        if (apdu.Nc == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "a DF name is 1 to 16 bytes");
        }

        var df = Files.FindDfByName(apdu.Data.Span) ?? throw new IsoException(StatusWords.FileNotFound);
        MakeCurrent(context.Channel, df);
        return returnFcp ? CommandResponse.WithData(FileControlParameters.Encode(df)) : CommandResponse.Ok;
    }

    private static CardFile? FindByFid(CardFile currentDf, ushort fid)
    {
        if (fid == CardFileSystem.MfFid)
        {
            var mf = currentDf;
            while (mf.Parent is not null)
            {
                mf = mf.Parent;
            }

            return mf;
        }

        if (currentDf.Fid == fid)
        {
            return currentDf;
        }

        return currentDf.Child(fid)
            ?? (currentDf.Parent is { } parent ? (parent.Fid == fid ? parent : parent.Child(fid)) : null);
    }

    private static CardFile? FindByPath(CardFile start, ReadOnlySpan<byte> path, bool fromMf)
    {
        if (path.Length == 0 || path.Length % 2 != 0)
        {
            throw new IsoException(StatusWords.WrongLength, "a path is a non-empty sequence of 2-byte file identifiers");
        }

        var file = start;
        for (var i = 0; i < path.Length; i += 2)
        {
            var fid = BinaryPrimitives.ReadUInt16BigEndian(path[i..]);
            if (i == 0 && fromMf && fid == CardFileSystem.MfFid)
            {
                continue;
            }

            if (i == 0 && !fromMf && fid == 0x3FFF)
            {
                continue;
            }

            if (!file.IsDf)
            {
                return null;
            }

            var next = file.Child(fid);
            if (next is null)
            {
                return null;
            }

            file = next;
        }

        return file;
    }

    private static void MakeCurrent(LogicalChannel channel, CardFile file)
    {
        if (file.IsDf)
        {
            channel.CurrentDf = file.NodeId;
            channel.CurrentEf = null;
        }
        else
        {
            channel.CurrentDf = file.Parent!.NodeId;
            channel.CurrentEf = file.NodeId;
        }
    }

    private (CardFile Ef, long Offset) EvenInsTarget(CommandContext context)
    {
        var apdu = context.Apdu;
        if ((apdu.P1 & 0x80) != 0)
        {
            // Short EF identifier in P1 b5-b1 (default SFI = 5 low bits of the FID), offset in P2.
            if ((apdu.P1 & 0x60) != 0)
            {
                throw new IsoException(StatusWords.IncorrectP1P2, "P1 b7-b6 must be 0 with a short EF identifier");
            }

            var sfi = apdu.P1 & 0x1F;
            var df = Files.FindNode(context.Channel.CurrentDf) ?? Files.Mf;
            var ef = df.Children.FirstOrDefault(c => !c.IsDf && (c.Fid & 0x1F) == sfi && sfi != 0)
                ?? throw new IsoException(StatusWords.FileNotFound, $"no EF with short identifier {sfi} in {df.PathText}");
            MakeCurrent(context.Channel, ef);
            return (ef, apdu.P2);
        }

        return (CurrentEf(context), apdu.P1P2 & MaxEvenOffset);
    }

    private CardFile OddInsTarget(CommandContext context)
    {
        var apdu = context.Apdu;
        if (apdu.P1P2 == 0)
        {
            return CurrentEf(context);
        }

        var df = Files.FindNode(context.Channel.CurrentDf) ?? Files.Mf;
        var ef = FindByFid(df, apdu.P1P2);
        if (ef is null || ef.IsDf)
        {
            throw new IsoException(StatusWords.FileNotFound, $"no EF {apdu.P1P2:X4} here");
        }

        MakeCurrent(context.Channel, ef);
        return ef;
    }

    private CardFile CurrentEf(CommandContext context)
    {
        if (context.Channel.CurrentEf is not { } id || Files.FindNode(id) is not { } ef)
        {
            throw new IsoException(StatusWords.CommandNotAllowedNoCurrentEf);
        }

        return ef;
    }

    private static void CheckAccess(CommandContext context, CardFile file, AccessCondition condition, string action)
    {
        if (!condition.IsSatisfied(context.Channel, file.Df))
        {
            throw new IsoException(StatusWords.SecurityStatusNotSatisfied, $"{action} {file.PathText} needs {condition}");
        }
    }

    private static long OddInsOffset(ReadOnlyMemory<byte> data, bool requireData)
    {
        var (offset, content) = ParseOddData(data);
        if (!requireData && content is not null)
        {
            throw new IsoException(StatusWords.IncorrectDataField, "READ BINARY carries only an offset data object (54)");
        }

        return offset;
    }

    private static (long Offset, ReadOnlyMemory<byte> Content) OddInsOffsetAndData(ReadOnlyMemory<byte> data)
    {
        var (offset, content) = ParseOddData(data);
        return (offset, content ?? throw new IsoException(StatusWords.IncorrectDataField, "UPDATE BINARY with odd INS needs a discretionary data object (53)"));
    }

    private static (long Offset, ReadOnlyMemory<byte>? Content) ParseOddData(ReadOnlyMemory<byte> data)
    {
        long offset = 0;
        ReadOnlyMemory<byte>? content = null;
        var seenOffset = false;
        foreach (var (tag, value) in FileControlParameters.ReadTlvs(data))
        {
            switch (tag)
            {
                case 0x54 when !seenOffset:
                    if (value.Length is < 1 or > 4)
                    {
                        throw new IsoException(StatusWords.IncorrectDataField, "offset data object 54 is 1 to 4 bytes");
                    }

                    foreach (var b in value.Span)
                    {
                        offset = (offset << 8) | b;
                    }

                    seenOffset = true;
                    break;
                case 0x53 when content is null:
                    content = value;
                    break;
                default:
                    throw new IsoException(StatusWords.IncorrectDataField, $"unexpected data object {tag:X2}");
            }
        }

        return (offset, content);
    }

    private static int BerLength(int length) => length < 0x80 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 4;
}

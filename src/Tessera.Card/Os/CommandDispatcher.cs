using System.Security.Cryptography;
using Tessera.Card.FileSystem;
using Tessera.Iso7816;

namespace Tessera.Card.Os;

/// <summary>
/// The card OS's instruction table. Interindustry (CLA b8 = 0) file-system and channel commands are handled by
/// the OS whatever application is selected; everything else goes to the application selected on the channel.
/// </summary>
internal sealed class CommandDispatcher(CardRuntime runtime)
{
    public const byte InsManageChannel = 0x70;
    public const byte InsGetChallenge = 0x84;
    public const byte InsGetData = 0xCA;
    public const ushort TagPhysicalWriteCount = 0xDF52;

    private readonly FileCommands files = new(runtime);

    public CommandResponse Dispatch(CommandContext context)
    {
        var apdu = context.Apdu;
        var interindustry = !ClassByte.IsProprietary(apdu.Cla);
        if (interindustry)
        {
            switch (apdu.Ins)
            {
                case InsManageChannel:
                    return ManageChannel(context);
                case FileCommands.InsSelect:
                    return files.Select(context);
                case FileCommands.InsReadBinary:
                case FileCommands.InsReadBinaryOdd:
                    return files.ReadBinary(context);
                case FileCommands.InsUpdateBinary:
                case FileCommands.InsUpdateBinaryOdd:
                    return files.UpdateBinary(context);
                case FileCommands.InsCreateFile:
                    return files.CreateFile(context);
                case FileCommands.InsDeleteFile:
                    return files.DeleteFile(context);
                case InsGetChallenge:
                    return GetChallenge(apdu);
            }
        }

        if (apdu.Ins == InsGetData && apdu.P1P2 == TagPhysicalWriteCount)
        {
            return PhysicalWriteCount(apdu);
        }

        if (context.Channel.SelectedApplication is { } application)
        {
            return application.Process(context);
        }

        throw new IsoException(StatusWords.InstructionNotSupported, $"no application selected for INS {apdu.Ins:X2}");
    }

    /// <summary>GET RESPONSE: the next part of the response data held on the channel.</summary>
    public CommandResponse GetResponse(CommandApdu apdu, LogicalChannel channel)
    {
        if (apdu.P1P2 != 0)
        {
            return CommandResponse.Status(StatusWords.IncorrectP1P2);
        }

        if (apdu.Nc != 0)
        {
            return CommandResponse.Status(StatusWords.WrongLength);
        }

        if (channel.Pending is not { } pending)
        {
            return CommandResponse.Status(StatusWords.ConditionsOfUseNotSatisfied);
        }

        var ne = apdu.Ne == 0 ? CommandApdu.MaxShortNe : apdu.Ne;
        if (pending.Remaining.Length <= ne)
        {
            channel.Pending = null;
            return new CommandResponse(pending.Remaining, pending.Final);
        }

        var part = pending.Remaining[..ne];
        pending.Remaining = pending.Remaining[ne..];
        return new CommandResponse(part, StatusWords.BytesRemaining(pending.Remaining.Length));
    }

    /// <summary>
    /// Fits response data to Ne: an absent Le is taken as the maximum of the APDU's length form (PROTOCOL.md);
    /// data longer than Ne is cut with <c>61XX</c> and kept for GET RESPONSE, except that a short case-2 command
    /// with no NVM effect whose whole answer fits a short response gets <c>6CXX</c> (re-send with Le = XX).
    /// </summary>
    public CommandResponse Shape(CommandApdu apdu, LogicalChannel channel, CommandResponse response, bool changedNvm)
    {
        var data = response.Data;
        var ne = apdu.Ne != 0 ? apdu.Ne : apdu.IsExtended ? CommandApdu.MaxExtendedNe : CommandApdu.MaxShortNe;
        if (data.Length <= ne)
        {
            return response;
        }

        if (apdu.Case == ApduCase.Case2Short && data.Length <= CommandApdu.MaxShortNe && !changedNvm)
        {
            return CommandResponse.Status(StatusWords.WrongLe(data.Length));
        }

        channel.Pending = new PendingResponse(data[ne..], response.StatusWord);
        return new CommandResponse(data[..ne], StatusWords.BytesRemaining(data.Length - ne));
    }

    /// <summary>MANAGE CHANNEL (INS 70): P1 00 open (P2 00 = next free, or an explicit number), P1 80 close P2.</summary>
    private CommandResponse ManageChannel(CommandContext context)
    {
        var apdu = context.Apdu;
        var session = runtime.Session(context.Interface)!;
        if (apdu.P1 == 0x00)
        {
            if (apdu.Nc != 0)
            {
                throw new IsoException(StatusWords.WrongLength, "MANAGE CHANNEL open takes no data");
            }

            if (apdu.Ne is not (0 or 1 or 256))
            {
                throw new IsoException(StatusWords.WrongLength, "MANAGE CHANNEL open answers one byte");
            }

            var opened = session.Open(apdu.P2 == 0 ? null : apdu.P2)
                ?? throw new IsoException(apdu.P2 == 0 ? StatusWords.FunctionNotSupported : StatusWords.IncorrectP1P2, "no such logical channel is free");

            // A channel opened from a channel other than the basic one inherits its selection (ISO 7816-4 §5.4.2).
            if (context.Channel.Number != 0)
            {
                opened.CurrentDf = context.Channel.CurrentDf;
                opened.CurrentEf = context.Channel.CurrentEf;
                if (context.Channel.SelectedApplication is { } inherited)
                {
                    opened.SelectedApplication = inherited;
                    inherited.Select(opened);
                }
            }
            else
            {
                runtime.SelectImplicitly(opened);
            }

            return CommandResponse.WithData(new[] { (byte)opened.Number });
        }

        if (apdu.P1 == 0x80)
        {
            if (apdu.Nc != 0 || apdu.Ne != 0)
            {
                throw new IsoException(StatusWords.WrongLength, "MANAGE CHANNEL close has no data and no Le");
            }

            var number = apdu.P2 == 0 ? context.Channel.Number : apdu.P2;
            if (number == 0)
            {
                throw new IsoException(StatusWords.IncorrectP1P2, "the basic channel cannot be closed");
            }

            if (number >= session.ChannelCount)
            {
                throw new IsoException(StatusWords.IncorrectP1P2, $"logical channel {number} does not exist");
            }

            if (session.Channel(number) is null)
            {
                return CommandResponse.Status(StatusWords.WarningNoInformation);
            }

            session.Close(number);
            return CommandResponse.Ok;
        }

        throw new IsoException(StatusWords.IncorrectP1P2, "MANAGE CHANNEL P1 must be 00 (open) or 80 (close)");
    }

    /// <summary>GET CHALLENGE (INS 84): Ne random bytes, 1 to 256.</summary>
    private static CommandResponse GetChallenge(CommandApdu apdu)
    {
        if (apdu.P1P2 != 0)
        {
            throw new IsoException(StatusWords.IncorrectP1P2);
        }

        if (apdu.Nc != 0 || apdu.Ne is 0 or > 256)
        {
            throw new IsoException(StatusWords.WrongLength, "GET CHALLENGE needs Le (1 to 256 bytes) and no data");
        }

        return CommandResponse.WithData(RandomNumberGenerator.GetBytes(apdu.Ne));
    }

    /// <summary>GET DATA DF52: physical NVM writes since the last power-on (SPEC §7), no secure channel needed.</summary>
    private CommandResponse PhysicalWriteCount(CommandApdu apdu)
    {
        if (apdu.Nc != 0)
        {
            throw new IsoException(StatusWords.WrongLength);
        }

        var count = (uint)Math.Min(runtime.Nvm.PhysicalWrites, uint.MaxValue);
        return CommandResponse.WithData(new byte[] { 0xDF, 0x52, 0x04, (byte)(count >> 24), (byte)(count >> 16), (byte)(count >> 8), (byte)count });
    }
}

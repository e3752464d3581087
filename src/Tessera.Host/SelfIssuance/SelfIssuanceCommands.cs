using System.Buffers.Binary;
using System.Text;
using Tessera.Iso7816;

namespace Tessera.Host.SelfIssuance;

/// <summary>START SELF-ISSUANCE P1 (SPEC §4.4).</summary>
public enum StartMode : byte
{
    /// <summary><c>00</c>: start, or resume automatically at the card's restart point an interrupted or failed issuance of the same file and content.</summary>
    StartOrResume = 0x00,

    /// <summary><c>01</c>: start at the command number given in tag <c>C3</c> (chosen from the progress management table).</summary>
    StartAt = 0x01,

    /// <summary><c>80</c>: discard any earlier issuance state of that file and start from command 1.</summary>
    Restart = 0x80,
}

/// <summary>
/// A START SELF-ISSUANCE command (SPEC §4.4): <c>80 5A P1 P2 Lc TLVs 00</c> with the structure named by FID
/// (<c>83</c>) or by command group name (<c>C0</c>), optional read offset (<c>C1</c>) and length (<c>C2</c>), and the
/// command number to start at (<c>C3</c>, P1 <c>01</c> only).
/// </summary>
public sealed record StartSelfIssuance
{
    /// <summary>P1.</summary>
    public StartMode Mode { get; init; } = StartMode.StartOrResume;

    /// <summary>P2 <c>01</c>: the card answers at once (state running) and runs the issuance in the background.</summary>
    public bool Background { get; init; }

    /// <summary>FID of the EF holding the simultaneous command (tag <c>83</c>).</summary>
    public ushort? Fid { get; init; }

    /// <summary>Name of a pre-stored command group (tag <c>C0</c>, ASCII), instead of <see cref="Fid"/>.</summary>
    public string? GroupName { get; init; }

    /// <summary>u32 read offset in the EF (tag <c>C1</c>).</summary>
    public uint? ReadOffset { get; init; }

    /// <summary>u32 read length (tag <c>C2</c>).</summary>
    public uint? ReadLength { get; init; }

    /// <summary>u16 command number to start at (tag <c>C3</c>; required with, and only with, <see cref="StartMode.StartAt"/>).</summary>
    public ushort? StartCommand { get; init; }

    /// <summary>The command APDU; <see cref="ArgumentException"/> for a combination SPEC §4.4 does not allow.</summary>
    public CommandApdu ToCommand()
    {
        if (!Enum.IsDefined(Mode))
        {
            throw new ArgumentException($"START P1 {(byte)Mode:X2} is not 00, 01 or 80");
        }

        if (Fid is not null && GroupName is not null)
        {
            throw new ArgumentException("START names the structure by FID (83) or by group name (C0), not both");
        }

        if (Mode == StartMode.StartAt && StartCommand is not { } start)
        {
            throw new ArgumentException("START P1 01 needs the command number to start at (C3)");
        }

        if (Mode != StartMode.StartAt && StartCommand is not null)
        {
            throw new ArgumentException("tag C3 (start command) belongs to START P1 01 only");
        }

        if (StartCommand == 0)
        {
            throw new ArgumentException("command numbers start at 1");
        }

        var data = new List<byte>();
        if (Fid is { } fid)
        {
            data.AddRange(BerTlv.Encode(new BerTag(0x83), U16(fid)));
        }

        if (GroupName is { } name)
        {
            if (name.Length is 0 or > 127 || name.Any(c => c is < ' ' or > '~'))
            {
                throw new ArgumentException($"command group name '{name}' must be 1 to 127 printable ASCII characters");
            }

            data.AddRange(BerTlv.Encode(new BerTag(0xC0), Encoding.ASCII.GetBytes(name)));
        }

        if (ReadOffset is { } offset)
        {
            data.AddRange(BerTlv.Encode(new BerTag(0xC1), U32(offset)));
        }

        if (ReadLength is { } length)
        {
            data.AddRange(BerTlv.Encode(new BerTag(0xC2), U32(length)));
        }

        if (StartCommand is { } number)
        {
            data.AddRange(BerTlv.Encode(new BerTag(0xC3), U16(number)));
        }

        return new CommandApdu(SelfIssuanceCommands.Cla, SelfIssuanceCommands.InsStart, (byte)Mode, Background ? (byte)0x01 : (byte)0x00, data.ToArray(), ne: 256);
    }

    private static byte[] U16(ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] U32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return bytes;
    }
}

/// <summary>
/// The self-issuance commands of the ISD (SPEC §4.4), plain (CLA <c>80</c>; a secure channel session adds the
/// secure messaging bit): START SELF-ISSUANCE, GET ISSUANCE STATUS, CLEAR ISSUANCE, CONFIRM ISSUANCE.
/// </summary>
public static class SelfIssuanceCommands
{
    /// <summary>The GlobalPlatform class byte the commands use.</summary>
    public const byte Cla = 0x80;

    /// <summary>START SELF-ISSUANCE.</summary>
    public const byte InsStart = 0x5A;

    /// <summary>GET ISSUANCE STATUS.</summary>
    public const byte InsGetStatus = 0x5B;

    /// <summary>CLEAR ISSUANCE.</summary>
    public const byte InsClear = 0x5C;

    /// <summary>CONFIRM ISSUANCE.</summary>
    public const byte InsConfirm = 0x5D;

    /// <summary>START SELF-ISSUANCE of the structure in EF <paramref name="fid"/>.</summary>
    public static CommandApdu Start(ushort fid, StartMode mode = StartMode.StartOrResume, bool background = false, ushort? startCommand = null, uint? readLength = null) =>
        new StartSelfIssuance { Fid = fid, Mode = mode, Background = background, StartCommand = startCommand, ReadLength = readLength }.ToCommand();

    /// <summary>GET ISSUANCE STATUS: <c>80 5B 00 00 00</c>; the card answers the <c>E5</c> template.</summary>
    public static CommandApdu GetStatus() => new(Cla, InsGetStatus, 0x00, 0x00, ne: 256);

    /// <summary>CLEAR ISSUANCE: <c>80 5C 00 00</c>.</summary>
    public static CommandApdu Clear() => new(Cla, InsClear, 0x00, 0x00);

    /// <summary>CONFIRM ISSUANCE: <c>80 5D 00 00</c>.</summary>
    public static CommandApdu Confirm() => new(Cla, InsConfirm, 0x00, 0x00);
}

using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// A stand-in applet runtime for card manager tests. Its "load file data block" is
/// <c>'FAKE' ‖ LV package AID ‖ n ‖ n × LV module AID</c>; an instance keeps its install parameters in one NVM block;
/// the live applet answers SELECT with its AID and records STORE DATA.
/// </summary>
internal sealed class FakeAppletRuntime(CardRuntime card) : IAppletRuntime
{
    public static byte[] LoadFileDataBlock(string packageAid, params string[] modules)
    {
        var bytes = new List<byte> { (byte)'F', (byte)'A', (byte)'K', (byte)'E' };
        bytes.AddRange(GpLength.EncodeLv(Hex.Parse(packageAid)));
        bytes.Add((byte)modules.Length);
        foreach (var m in modules)
        {
            bytes.AddRange(GpLength.EncodeLv(Hex.Parse(m)));
        }

        return [.. bytes];
    }

    public static List<string> StoreDataLog { get; } = [];

    public LoadFileInfo Inspect(ReadOnlyMemory<byte> loadFileDataBlock)
    {
        var span = loadFileDataBlock.Span;
        try
        {
            if (!span.StartsWith("FAKE"u8))
            {
                throw new FormatException("no FAKE magic");
            }

            var package = new Aid(GpLength.ReadLv(span[4..], out var used));
            var at = 4 + used;
            var modules = new List<Aid>();
            for (var n = span[at++]; n > 0; n--)
            {
                modules.Add(new Aid(GpLength.ReadLv(span[at..], out used)));
                at += used;
            }

            return at == span.Length ? new LoadFileInfo(package, modules, "00") : throw new FormatException("trailing bytes");
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new IsoException(StatusWords.IncorrectDataField, e.Message);
        }
    }

    public NvmHandle Install(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, ReadOnlyMemory<byte> installParameters)
    {
        var block = card.Nvm.Allocate(1 + installParameters.Length);
        card.Nvm.Write(block, 1, installParameters.Span);
        return block;
    }

    public ICardApplication Open(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, NvmHandle instanceState) => new FakeApplet(instanceAid);

    public void Uninstall(Aid instanceAid, NvmHandle instanceState) => card.Nvm.Free(instanceState);

    public void PowerReset()
    {
    }

    private sealed class FakeApplet(Aid aid) : ICardApplication
    {
        public void Select(LogicalChannel channel)
        {
        }

        public void Deselect(LogicalChannel channel)
        {
        }

        public CommandResponse Process(CommandContext context) => context.Apdu.Ins switch
        {
            0xA4 => CommandResponse.WithData(aid.ToArray()),
            0xE2 => Store(context),
            _ => throw new IsoException(StatusWords.InstructionNotSupported),
        };

        private CommandResponse Store(CommandContext context)
        {
            lock (StoreDataLog)
            {
                StoreDataLog.Add($"{aid}:{Convert.ToHexString(context.Apdu.Data.Span)}");
            }

            return CommandResponse.Ok;
        }
    }
}

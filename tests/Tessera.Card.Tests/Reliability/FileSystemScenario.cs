using Tessera.Iso7816;
using static Tessera.Card.Tests.TestCard;

namespace Tessera.Card.Tests.Reliability;

/// <summary>
/// A file-system scenario of more than 50 commands: DFs and EFs created, data written and rewritten across NVM page
/// boundaries (short and extended), files and subtrees deleted, and some commands that must fail without effect.
/// </summary>
internal static class FileSystemScenario
{
    public static CardProfile Profile { get; } = CardProfile.Default with
    {
        OpenFileSystem = true,
        NvmCapacity = 128 * 1024,
        SerialNumber = "0102030405060708",
    };

    public static IReadOnlyList<CommandApdu> Commands { get; } = Build();

    private static List<CommandApdu> Build()
    {
        var list = new List<CommandApdu>();
        void Add(string hex) => list.Add(CommandApdu.Parse(Hex.Parse(hex)));
        byte[] Pattern(int length, int seed) => Enumerable.Range(0, length).Select(i => (byte)((i * 31) + seed)).ToArray();

        Add(Create(DfFcp(0x1000, "F0544553530100")));
        Add(Create(EfFcp(0x1001, 1000)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(250, 1)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0xF0, Pattern(255, 2)));
        Add(Create(EfFcp(0x1002, 40)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(40, 3)));
        Add("00A4000C023F00");
        Add(Create(DfFcp(0x2000)));
        Add(Create(EfFcp(0x2001, 5000, flags: 1)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x01, 0xF4, Pattern(4000, 4), extended: true));
        Add(Create(EfFcp(0x2001, 10)));
        for (var round = 0; round < 12; round++)
        {
            list.Add(new CommandApdu(0x00, 0xD6, (byte)(round * 2), (byte)(round * 37), Pattern(200 + round, 10 + round)));
        }

        Add("00A4080C0410001001");
        list.Add(new CommandApdu(0x00, 0xD6, 0x03, 0x00, Pattern(232, 5)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x03, 0xE0, Pattern(9, 6)));
        Add("00A4080C021000");
        Add("00E40000021002");
        Add(Create(EfFcp(0x1003, 700)));
        list.Add(new CommandApdu(0x00, 0xD7, 0x00, 0x00, (byte[])[0x54, 0x02, 0x01, 0x00, 0x53, 0x81, 0xC8, .. Pattern(200, 7)]));
        Add("00E40000021002");
        Add(Create(EfFcp(0x1004, 256)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(256, 8)));
        Add("00A4000C023F00");
        Add("00E40000022000");
        Add(Create(DfFcp(0x3000, "F0544553530300")));
        for (var i = 0; i < 6; i++)
        {
            Add(Create(EfFcp((ushort)(0x3001 + i), 100 + (i * 90))));
            list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(100 + (i * 90), 20 + i)));
        }

        Add("00A4080C0430003003");
        Add("00E4000000");
        Add("00A4080C021000");
        Add(Create(EfFcp(0x1005, 3000)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(3000, 9), extended: true));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x10, Pattern(2000, 11), extended: true));
        Add("00E40000021004");
        Add("00E40000021001");
        Add(Create(EfFcp(0x1001, 64)));
        list.Add(new CommandApdu(0x00, 0xD6, 0x00, 0x00, Pattern(64, 12)));
        Add("00A4000C023F00");
        Add("00E40000023000");
        return list;
    }
}

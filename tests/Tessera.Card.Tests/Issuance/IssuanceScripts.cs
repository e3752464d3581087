using System.Text;
using Tessera.Card.Tests.Runtime;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Issuance;

/// <summary>
/// Realistic issuance scripts for the built-in applets, built command by command from GP 2.3.1 encodings: load the
/// applets load file, install and personalise the purse and the ticket, create a DF with EFs and fill them.
/// </summary>
internal static class IssuanceScripts
{
    public const string Package = "F05445535300";
    public const string Purse = "F0544553530101";
    public const string Ticket = "F0544553530201";

    public static readonly byte[] CreditKey = Hex.Parse("000102030405060708090A0B0C0D0E0F");

    /// <summary>The commands, and the numbers (1-based) that start a function (recovery points).</summary>
    public static (List<byte[]> Commands, List<int> RecoveryPoints) Full(int loadBlockSize = 65535, int files = 8)
    {
        var commands = new List<byte[]>();
        var points = new List<int>();
        void Function(byte[] first)
        {
            commands.Add(first);
            points.Add(commands.Count);
        }

        Function(InstallForLoad(Package));
        var loadFile = LoadFile(AppletBench.AppletsLoadFile);
        var blocks = (loadFile.Length + loadBlockSize - 1) / loadBlockSize;
        for (var b = 0; b < blocks; b++)
        {
            var part = loadFile.AsSpan(b * loadBlockSize, Math.Min(loadBlockSize, loadFile.Length - (b * loadBlockSize))).ToArray();
            commands.Add(ScriptWriter.Apdu(0x80, 0xE8, (byte)(b == blocks - 1 ? 0x80 : 0x00), (byte)b, part));
        }

        Function(InstallAndMakeSelectable(Package, Purse, Purse));
        Function(InstallAndMakeSelectable(Package, Ticket, Ticket));
        Function(InstallForPersonalization(Purse));
        commands.Add(StoreData(0, false, Dgi(0x0101, Hex.Parse("000F424032"))));
        commands.Add(StoreData(1, false, Dgi(0x0102, Hex.Parse("000003E8"))));
        commands.Add(StoreData(2, true, Dgi(0x8101, CreditKey)));
        Function(InstallForPersonalization(Ticket));
        commands.Add(StoreData(0, false, Dgi(0x0201, Encoding.ASCII.GetBytes("Concert 2026"))));
        commands.Add(StoreData(1, false, Dgi(0x0202, Encoding.ASCII.GetBytes("A-12"))));
        commands.Add(StoreData(2, false, Dgi(0x0203, Encoding.ASCII.GetBytes("Ada Lovelace"))));
        commands.Add(StoreData(3, false, Dgi(0x0204, Hex.Parse("20261231"))));
        commands.Add(StoreData(4, true, Dgi(0x8201, CreditKey)));
        // The file function can run again after a resume: "file exists" (6A89) is a success in the script's decision
        // table (see Decisions), and every command names its target instead of relying on the previous one.
        Function(Hex.Parse("00A4000C023F00"));
        commands.Add(Hex.Parse("00E00000" + Lc(TestCard.DfFcp(0x4100, "A0000000545353"))));
        commands.Add(Hex.Parse("00A4000C024100"));
        for (var i = 0; i < files; i++)
        {
            var fid = (ushort)(0x4101 + i);
            commands.Add(Hex.Parse("00E00000" + Lc(TestCard.EfFcp(fid, 64))));
            byte[] content = [0x54, 0x01, 0x00, 0x53, 0x40, .. Enumerable.Range(0, 64).Select(x => (byte)(x + i))];
            commands.Add(ScriptWriter.Apdu(0x00, 0xD7, (byte)(fid >> 8), (byte)fid, content));
        }

        return (commands, points);
    }

    /// <summary>The decision table of <see cref="Full"/>: an EF or DF that already exists is a success.</summary>
    public static readonly (ushort Value, ushort Mask, byte Verdict)[] Decisions = [(0x6A89, 0xFFFF, 0x00)];

    public static byte[] LoadFile(byte[] assembly) => [0xC4, .. GpLength.Encode(assembly.Length), .. assembly];

    public static byte[] InstallForLoad(string package) => ScriptWriter.Apdu(0x80, 0xE6, 0x02, 0x00, [.. Lv(Hex.Parse(package)), 0x00, 0x00, 0x00, 0x00], 0);

    public static byte[] InstallAndMakeSelectable(string package, string module, string instance) =>
        ScriptWriter.Apdu(0x80, 0xE6, 0x0C, 0x00, [.. Lv(Hex.Parse(package)), .. Lv(Hex.Parse(module)), .. Lv(Hex.Parse(instance)), 0x01, 0x00, 0x02, 0xC9, 0x00, 0x00], 0);

    public static byte[] InstallForPersonalization(string instance) => ScriptWriter.Apdu(0x80, 0xE6, 0x20, 0x00, [0x00, 0x00, .. Lv(Hex.Parse(instance)), 0x00, 0x00, 0x00], 0);

    public static byte[] StoreData(byte block, bool last, byte[] data) => ScriptWriter.Apdu(0x80, 0xE2, (byte)(last ? 0x80 : 0x00), block, data, 0);

    public static byte[] Dgi(ushort tag, byte[] value) => [(byte)(tag >> 8), (byte)tag, (byte)value.Length, .. value];

    private static byte[] Lv(byte[] value) => [(byte)value.Length, .. value];

    private static string Lc(string hex) => $"{hex.Length / 2:X2}{hex}";
}

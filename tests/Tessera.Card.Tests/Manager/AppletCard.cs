using System.Buffers.Binary;
using System.Security.Cryptography;
using Tessera.Card.Manager;
using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// A card with the real applet runtime, the GP content management commands that tests send to it (plain; a
/// <see cref="HostSession"/> wraps them), and checks of the card manager's NVM state.
/// </summary>
internal sealed class AppletCard : IDisposable
{
    public const string Package = "F05445535300";
    public const string PurseModule = "F0544553530101";
    public const string TicketModule = "F0544553530201";
    public const string Purse = "F054455353010101";
    public const string Ticket = "F054455353020101";

    public static readonly byte[] PurseKey = Hex.Parse("00112233445566778899AABBCCDDEEFF");
    public static readonly byte[] TicketKey = Hex.Parse("FFEEDDCCBBAA99887766554433221100");

    public AppletCard(CardProfile? profile = null)
    {
        Device = SecureDevice.Create(profile ?? ManagerCards.Profile);
        Device.AppletRuntimeFactory = runtime =>
        {
            Runtime = runtime;
            return new AppletRuntime(runtime.Nvm);
        };
        Device.PowerOn();
        Card = new TestCard(Device);
    }

    /// <summary>The built-in applets' load file (the assembly).</summary>
    public static byte[] AppletsLoadFile { get; } = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll"));

    public SecureDevice Device { get; }

    public TestCard Card { get; }

    /// <summary>The card OS of the current power cycle (set at every power-on); read it only while the card is powered.</summary>
    public CardRuntime Runtime { get; private set; } = null!;

    /// <summary>A warm reset (ending any session on the channel), then a new SCP03 session.</summary>
    public HostSession Session(Scp03SecurityLevel level = Scp03SecurityLevel.CMac)
    {
        Device.Reset();
        return HostSession.Open(Card, level);
    }

    public void Dispose() => Device.Dispose();

    /// <summary>Warm reset (ending any secure channel session, whose channel would refuse a plain command), then SELECT of an instance.</summary>
    public void ResetAndSelect(string instance, ushort sw = 0x9000)
    {
        Device.Reset();
        Card.Expect($"00A40400{Lv(instance)}", sw);
    }

    /// <summary>INSTALL [for load] and LOAD of the built-in applets in one block, under a new session (which it returns).</summary>
    public HostSession LoadApplets(int blockSize = 0xFFF0)
    {
        var session = Session();
        session.Expect(InstallForLoad(Package), 0x9000);
        foreach (var block in LoadBlocks(AppletsLoadFile, blockSize))
        {
            session.Expect(block, 0x9000);
        }

        return session;
    }

    /// <summary>The applets loaded, purse and ticket installed (selectable) and personalised.</summary>
    public HostSession IssueBoth()
    {
        var session = LoadApplets();
        session.Expect(InstallForInstall(PurseModule, Purse), 0x9000);
        session.Expect(InstallForInstall(TicketModule, Ticket), 0x9000);
        session.Expect(InstallForPersonalization(Purse), 0x9000);
        session.Expect(StoreData(0x88, 0x00, PursePerso()), 0x9000);
        session.Expect(InstallForPersonalization(Ticket), 0x9000);
        session.Expect(StoreData(0x88, 0x00, TicketPerso()), 0x9000);
        return session;
    }

    public static CommandApdu InstallForLoad(string package, string securityDomain = "") =>
        Gp(0xE6, 0x02, 0x00, Lv(package) + Lv(securityDomain) + "000000");

    /// <summary>The Load File <c>C4 len assembly</c> cut into LOAD blocks (numbers wrap from FF to 00; extended when over 255 bytes).</summary>
    public static List<CommandApdu> LoadBlocks(byte[] assembly, int blockSize) => Blocks(BerTlv.Encode(new BerTag(0xC4), assembly), blockSize);

    /// <summary>Any bytes cut into LOAD blocks as <see cref="LoadBlocks"/> does.</summary>
    public static List<CommandApdu> Blocks(byte[] loadFile, int blockSize)
    {
        var count = (loadFile.Length + blockSize - 1) / blockSize;
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var data = loadFile.AsMemory(i * blockSize, Math.Min(blockSize, loadFile.Length - (i * blockSize)));
            return new CommandApdu(0x80, 0xE8, i == count - 1 ? (byte)0x80 : (byte)0x00, (byte)i, data, extended: data.Length > 255);
        })];
    }

    public static CommandApdu InstallForInstall(string module, string instance, bool makeSelectable = true, string privileges = "00", string parameters = "C900", string loadFile = Package) =>
        Gp(0xE6, makeSelectable ? (byte)0x0C : (byte)0x04, 0x00, Lv(loadFile) + Lv(module) + Lv(instance) + Lv(privileges) + Lv(parameters) + "00");

    public static CommandApdu MakeSelectable(string instance) => Gp(0xE6, 0x08, 0x00, "0000" + Lv(instance) + "000000");

    public static CommandApdu InstallForPersonalization(string instance) => Gp(0xE6, 0x20, 0x00, "0000" + Lv(instance) + "000000");

    public static CommandApdu StoreData(byte p1, byte p2, byte[] data) => new(0x80, 0xE2, p1, p2, data);

    public static CommandApdu Delete(string aid, bool withRelated) => Gp(0xE4, 0x00, withRelated ? (byte)0x80 : (byte)0x00, "4F" + Lv(aid));

    /// <summary>Purse DGIs 0101 (max balance 100000, log of 5) and 8101 (credit key).</summary>
    public static byte[] PursePerso()
    {
        var parameters = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(parameters, 100_000);
        parameters[4] = 5;
        return [.. Dgi.Encode(0x0101, parameters), .. Dgi.Encode(0x8101, PurseKey)];
    }

    /// <summary>Ticket DGIs: event, seat, holder, valid until, issuer key.</summary>
    public static byte[] TicketPerso() =>
    [
        .. Dgi.Encode(0x0201, "Tessera Live 2026"u8), .. Dgi.Encode(0x0202, "B-12"u8), .. Dgi.Encode(0x0203, "A. Holder"u8),
        .. Dgi.Encode(0x0204, Hex.Parse("20261231")), .. Dgi.Encode(0x8201, TicketKey),
    ];

    public static string Lv(string hex) => $"{hex.Length / 2:X2}{hex}";

    /// <summary>Card content without the lines that change with every session (the SCP03 sequence counters).</summary>
    public static string WithoutCounters(string dump) =>
        string.Join('\n', dump.Split('\n').Where(l => !l.Contains("counter=", StringComparison.Ordinal)));

    /// <summary>
    /// The registry read back from NVM is consistent: AIDs unique; every load file's index and chunks are in NVM and
    /// hold the bytes whose hash the index records; every instance's load file and module exist and its state block is
    /// allocated; life cycles are ones the card manager writes.
    /// </summary>
    public void AssertRegistryConsistent()
    {
        var nvm = Runtime.Nvm;
        var registry = Runtime.Manager.RegistryEntries;
        Assert.Equal(registry.Count, registry.Select(e => e.Aid).Distinct().Count());
        foreach (var loadFile in registry.Where(e => e.Kind == RegistryEntryKind.LoadFile))
        {
            Assert.True(LoadFileStorage.IsLoadFile(nvm, loadFile.Block), $"load file {loadFile.Aid}: {loadFile.Block} is not a load file index");
            Assert.All(LoadFileStorage.Blocks(nvm, loadFile.Block), b => Assert.True(nvm.IsAllocated(b)));
            Assert.Equal(LoadFileStorage.ContentHash(nvm, loadFile.Block), Convert.ToHexString(SHA256.HashData(LoadFileStorage.Read(nvm, loadFile.Block))));
            Assert.Equal(0x01, loadFile.LifeCycle);
        }

        foreach (var application in registry.Where(e => e.IsApplication))
        {
            var loadFile = Assert.Single(registry, e => e.Kind == RegistryEntryKind.LoadFile && e.Aid == application.LoadFileAid);
            Assert.Contains(application.ModuleAid, loadFile.Modules);
            Assert.True(nvm.IsAllocated(application.Block), $"application {application.Aid}: state {application.Block} is not allocated");
            Assert.Contains(application.LifeCycle & 0x7F, new[] { 0x03, 0x07 });
        }
    }

    /// <summary>
    /// The allocated NVM blocks with their lengths and, optionally, a hash of each block's bytes: two states with the
    /// same text have the same heap (no orphan block in one of them), and with content the same bytes everywhere
    /// (applet state included, which <see cref="SecureDevice.CanonicalDump"/> does not show).
    /// </summary>
    public string AllocatedBlocks(bool withContent)
    {
        var nvm = Runtime.Nvm;
        return string.Join(' ', nvm.AllocatedBlocks.Select(b => withContent
            ? $"{b}:{nvm.LengthOf(b)}:{Convert.ToHexString(SHA256.HashData(nvm.View(b)))[..16]}"
            : $"{b}:{nvm.LengthOf(b)}"));
    }

    private static CommandApdu Gp(byte ins, byte p1, byte p2, string data) => new(0x80, ins, p1, p2, Hex.Parse(data));
}


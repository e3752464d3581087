using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Cli.Tests;

/// <summary>
/// <c>tessera gp load</c> and <c>tessera gp install</c> run as a separate process on a card image, as a person would
/// run them; the image is then opened here and the applications answer.
/// </summary>
public sealed class GpContentCommandTests : IDisposable
{
    private const string Package = "F05445535300";
    private const string Purse = "F054455353010101";
    private const string Ticket = "F054455353020101";

    private readonly string directory = Directory.CreateTempSubdirectory("tessera-gp-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void LoadAndInstallTheBuiltInAppletsOnACardImage()
    {
        var image = Path.Combine(directory, "card.tcard");
        using (SecureDevice.CreateImage(image, CardProfile.Default))
        {
        }

        var applets = Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll");
        var (code, output) = Tessera("gp", "load", image, applets, "--block-size", "1000");
        Assert.True(code == 0, output);
        Assert.Contains($"loaded {Package}", output, StringComparison.Ordinal);
        var blocks = (new FileInfo(applets).Length + 4 + 999) / 1000; // C4 82 LL LL ‖ assembly, in blocks of 1000
        Assert.Contains($"in {blocks} LOAD blocks", output, StringComparison.Ordinal);
        (code, output) = Tessera("gp", "install", image, "--package", Package, "--module", "F0544553530101", "--instance", Purse, "--selectable");
        Assert.True(code == 0, output);
        Assert.Contains($"installed {Purse} (SELECTABLE)", output, StringComparison.Ordinal);
        (code, output) = Tessera("gp", "install", image, "--package", Package, "--module", "F0544553530201", "--instance", Ticket, "--params", "");
        Assert.True(code == 0, output);
        Assert.Contains($"installed {Ticket} (INSTALLED)", output, StringComparison.Ordinal);

        // Errors say what to do, exit with 1 and change nothing.
        (code, output) = Tessera("gp", "load", image, applets);
        Assert.Equal(1, code);
        Assert.Contains("6985", output, StringComparison.Ordinal);
        Assert.Contains("tessera gp delete", output, StringComparison.Ordinal);
        (code, output) = Tessera("gp", "load", image, Path.Combine(AppContext.BaseDirectory, "Tessera.Iso7816.dll"));
        Assert.Equal(1, code);
        Assert.Contains("--package", output, StringComparison.Ordinal);
        (code, output) = Tessera("gp", "install", image, "--package", Package, "--module", "F0544553530301", "--instance", "F054455353030101");
        Assert.Equal(1, code);
        Assert.Contains("tessera gp list", output, StringComparison.Ordinal);

        using var device = SecureDevice.OpenImage(image);
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        device.PowerOn();
        Assert.Equal(0x9000, Send(device, $"00A4040008{Purse}").SW);
        Assert.Equal(0x6985, Send(device, "8050000000").SW); // installed, not yet personalised
        Assert.Equal(0x6A82, Send(device, $"00A4040008{Ticket}").SW); // INSTALLED: not selectable
        Assert.Equal(3, device.CanonicalDump().Split('\n').Count(l => l.StartsWith("loadfile ", StringComparison.Ordinal) || l.StartsWith("app ", StringComparison.Ordinal)));
    }

    private static ResponseApdu Send(SecureDevice device, string hex) => ResponseApdu.Parse(device.Transmit(CardInterface.Contact, Hex.Parse(hex)));

    private static (int Code, string Output) Tessera(params string[] arguments) => TesseraProcess.Run(null, arguments);
}

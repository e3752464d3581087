using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Cli.Tests;

/// <summary>
/// <c>tessera issue</c>, the main job, run as a separate process from the repository root as the README says: with no
/// arguments it self-issues the sample purse to a fresh <c>tessera-card.img</c>; the image then holds a working purse.
/// </summary>
public sealed class IssueCommandTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tessera-issue-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void IssueWithNoArgumentsSelfIssuesTheSamplePurseToAFreshImage()
    {
        // A copy of samples/ in a scratch directory stands for the repository root.
        var samples = Directory.CreateDirectory(Path.Combine(directory, "samples")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryRoot(), "samples")))
        {
            File.Copy(file, Path.Combine(samples, Path.GetFileName(file)));
        }

        var (code, output) = Tessera(directory, "issue");
        Assert.True(code == 0, output);
        Assert.Contains("created card image", output, StringComparison.Ordinal);
        Assert.Contains("result confirmed", output, StringComparison.Ordinal);
        Assert.Contains("commands executed in the card 7", output, StringComparison.Ordinal);
        Assert.Contains("exchanges on the wire 5", output, StringComparison.Ordinal);

        // Conventional issuance of the same profile on the issued card fails: the package exists; the error says so.
        (code, output) = Tessera(directory, "issue", "--conventional", "--card", Path.Combine(directory, "tessera-card.img"));
        Assert.Equal(1, code);
        Assert.Contains("error:", output, StringComparison.Ordinal);

        using var device = SecureDevice.OpenImage(Path.Combine(directory, "tessera-card.img"));
        device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
        device.PowerOn();
        Assert.Equal(0x9000, ResponseApdu.Parse(device.Transmit(CardInterface.Contact, Hex.Parse("00A4040007F0544553530101"))).SW);
        var balance = ResponseApdu.Parse(device.Transmit(CardInterface.Contact, Hex.Parse("8050000000")));
        Assert.Equal(Hex.Parse("00000000000186A0"), balance.Data.ToArray()[..8]);
    }

    [Fact]
    public void IssueNamesAMissingProfile()
    {
        var (code, output) = Tessera(directory, "issue", "nothere.json");
        Assert.Equal(1, code);
        Assert.Contains("nothere.json' does not exist", output, StringComparison.Ordinal);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("repository root not found");
    }

    private static (int Code, string Output) Tessera(string workingDirectory, params string[] arguments) => TesseraProcess.Run(workingDirectory, arguments);
}

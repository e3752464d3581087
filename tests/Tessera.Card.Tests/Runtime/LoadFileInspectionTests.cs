using System.Runtime.Loader;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Runtime;

/// <summary>SPEC §3 load files: what Inspect accepts and what it refuses with 6A80.</summary>
public sealed class LoadFileInspectionTests
{
    private readonly AppletRuntime runtime = new AppletBench().Runtime;

    [Fact]
    public void TheBuiltInAppletsAreAWellFormedLoadFile()
    {
        var bytes = AppletBench.AppletsLoadFile;
        var info = runtime.Inspect(bytes);
        Assert.Equal(Aid.Parse("F05445535300"), info.PackageAid);
        Assert.Equal([Aid.Parse("F0544553530101"), Aid.Parse("F0544553530201")], info.ModuleAids);
        Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes)), info.Sha256);

        var assembly = AppletRuntime.LoadedAssembly(info.Sha256);
        Assert.NotNull(assembly);
        Assert.NotSame(AssemblyLoadContext.Default, AssemblyLoadContext.GetLoadContext(assembly));
        Assert.True(AssemblyLoadContext.GetLoadContext(assembly)!.IsCollectible);
        Assert.Equal(info, runtime.Inspect(bytes));
    }

    [Fact]
    public void RandomBytesAreRefused()
    {
        var random = new byte[4096];
        new Random(7).NextBytes(random);
        AssertRefused(random);
        AssertRefused([]);
        AssertRefused("MZ"u8.ToArray());
    }

    [Fact]
    public void ATruncatedAssemblyIsRefused()
    {
        var bytes = AppletBench.AppletsLoadFile;
        AssertRefused(bytes[..(bytes.Length / 2)]);
        AssertRefused(bytes[..^1]);
        AssertRefused(bytes[..512]);
    }

    [Fact]
    public void AnAssemblyWithoutThePackageAttributeIsRefused()
    {
        AssertRefused(File.ReadAllBytes(typeof(LoadFileInspectionTests).Assembly.Location));
        AssertRefused(TestLoadFile.Compile("public sealed class A : Applet { public override void Process(AppletApdu apdu) { } }"));
    }

    [Theory]
    [InlineData("F054", "F054455353FF01")]
    [InlineData("F05445535300", "XYZ")]
    [InlineData("F05445535300", "F054455353FF0102030405060708090A0B")]
    public void BadAidsAreRefused(string package, string module) =>
        AssertRefused(TestLoadFile.Compile($"[assembly: TesseraPackage(\"{package}\")] [TesseraApplet(\"{module}\")] public sealed class A : Applet {{ public override void Process(AppletApdu apdu) {{ }} }}"));

    [Fact]
    public void DuplicateModuleAidsAreRefused() =>
        AssertRefused(TestLoadFile.Compile("""
            [assembly: TesseraPackage("F054455353F0")]
            [TesseraApplet("F054455353F001")] public sealed class A : Applet { public override void Process(AppletApdu apdu) { } }
            [TesseraApplet("F054455353F001")] public sealed class B : Applet { public override void Process(AppletApdu apdu) { } }
            """));

    [Fact]
    public void AnAppletWithoutAPublicParameterlessConstructorIsRefused() =>
        AssertRefused(TestLoadFile.Compile("""
            [assembly: TesseraPackage("F054455353F0")]
            [TesseraApplet("F054455353F001")] public sealed class A : Applet { public A(int x) { } public override void Process(AppletApdu apdu) { } }
            """));

    [Fact]
    public void AnAppletAttributeOnANonAppletClassIsRefused() =>
        AssertRefused(TestLoadFile.Compile("""
            [assembly: TesseraPackage("F054455353F0")]
            [TesseraApplet("F054455353F001")] public sealed class A { }
            """));

    [Fact]
    public void ALoadFileWithoutAppletsIsALibrary()
    {
        var info = runtime.Inspect(TestLoadFile.Compile("[assembly: TesseraPackage(\"F054455353F1\")] public static class Helpers { }"));
        Assert.Equal(Aid.Parse("F054455353F1"), info.PackageAid);
        Assert.Empty(info.ModuleAids);
    }

    private void AssertRefused(byte[] bytes)
    {
        var e = Assert.Throws<IsoException>(() => runtime.Inspect(bytes));
        Assert.Equal(0x6A80, e.StatusWord.Value);
    }
}

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tessera.Card.Tests.Runtime;

/// <summary>Compiles C# source into a load file (assembly bytes) against the applet API, for runtime tests.</summary>
internal static class TestLoadFile
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "System.dll"
                || f is "Tessera.Card.dll" or "Tessera.Iso7816.dll" or "Tessera.Crypto.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))]);

    public static byte[] Compile(string source, string? name = null)
    {
        var compilation = CSharpCompilation.Create(
            name ?? $"TestLoadFile{Guid.NewGuid():N}",
            [CSharpSyntaxTree.ParseText("using Tessera.Card; using Tessera.Card.Runtime; " + source)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return stream.ToArray();
    }
}

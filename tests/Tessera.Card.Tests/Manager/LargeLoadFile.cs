using System.Security.Cryptography;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// A load file of more than 128 KiB: a real applet assembly compiled at test time whose size comes from a 128 KiB
/// embedded resource (pseudo-random bytes). The applet answers INS <c>20</c> with the resource's length (u32) and
/// SHA-256, read from its own assembly, so a test sees that every byte of the load file reached the card intact.
/// </summary>
internal static class LargeLoadFile
{
    public const string Package = "F054455353F100";
    public const string Module = "F054455353F101";
    public const string Instance = "F054455353F10101";
    public const int PaddingLength = 128 * 1024;

    private static readonly Lazy<(byte[] Assembly, byte[] Padding)> Built = new(Build);

    public static byte[] Assembly => Built.Value.Assembly;

    public static byte[] Padding => Built.Value.Padding;

    private static (byte[], byte[]) Build()
    {
        var padding = new byte[PaddingLength];
        new Random(20260128).NextBytes(padding);
        var source = $$"""
            using Tessera.Card;
            using Tessera.Card.Runtime;

            [assembly: TesseraPackage("{{Package}}")]

            [TesseraApplet("{{Module}}")]
            public sealed class Padded : Applet
            {
                public override void Process(AppletApdu apdu)
                {
                    if (apdu.Ins != 0x20)
                    {
                        throw IsoException.Of(0x6D00);
                    }

                    using var resource = typeof(Padded).Assembly.GetManifestResourceStream("padding.bin");
                    var bytes = new System.IO.MemoryStream();
                    resource.CopyTo(bytes);
                    var answer = new byte[36];
                    System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(answer, (uint)bytes.Length);
                    System.Security.Cryptography.SHA256.HashData(bytes.ToArray()).CopyTo(answer, 4);
                    apdu.Send(answer);
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var f && (f.StartsWith("System.", StringComparison.Ordinal) || f is "netstandard.dll" or "System.dll"
                || f is "Tessera.Card.dll" or "Tessera.Iso7816.dll" or "Tessera.Crypto.dll"))
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "PaddedLoadFile",
            [CSharpSyntaxTree.ParseText(source)],
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Disable));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream, manifestResources: [new ResourceDescription("padding.bin", () => new MemoryStream(padding), isPublic: true)]);
        Assert.True(result.Success, string.Join("\n", result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        return (stream.ToArray(), padding);
    }

    /// <summary>What the applet answers to INS 20: padding length ‖ SHA-256 of the padding.</summary>
    public static byte[] ExpectedAnswer()
    {
        var answer = new byte[36];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(answer, PaddingLength);
        SHA256.HashData(Padding).CopyTo(answer, 4);
        return answer;
    }
}

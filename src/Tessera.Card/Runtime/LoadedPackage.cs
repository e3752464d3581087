using System.Reflection;
using System.Security.Cryptography;
using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// The code of one load file, loaded once per process in its own <see cref="LoadFileContext"/>: its package AID and
/// its applet classes by module AID. It holds code only, never the state of a card.
/// </summary>
internal sealed class LoadedPackage
{
    private readonly Dictionary<Aid, Type> modules;

    private LoadedPackage(LoadFileInfo info, Assembly assembly, Dictionary<Aid, Type> modules)
    {
        Info = info;
        Assembly = assembly;
        this.modules = modules;
    }

    public LoadFileInfo Info { get; }

    public Assembly Assembly { get; }

    public Type? Module(Aid moduleAid) => modules.GetValueOrDefault(moduleAid);

    public static string HashOf(ReadOnlySpan<byte> bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    /// <summary>Loads and validates a load file; <see cref="IsoException"/> <c>6A80</c> when it is not a well-formed one.</summary>
    public static LoadedPackage Load(ReadOnlyMemory<byte> bytes, string sha256)
    {
        var context = new LoadFileContext($"tessera-load-file-{sha256[..16]}");
        try
        {
            var assembly = LoadAssembly(context, bytes);
            var package = PackageAid(assembly);
            var modules = Modules(assembly, package);
            var info = new LoadFileInfo(package, [.. modules.Keys.Order()], sha256);
            return new LoadedPackage(info, assembly, modules);
        }
        catch
        {
            context.Unload();
            throw;
        }
    }

    private static Assembly LoadAssembly(LoadFileContext context, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            return context.LoadFromStream(stream);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or ArgumentException or IOException)
        {
            throw Malformed($"not a .NET assembly ({e.Message})");
        }
    }

    private static Aid PackageAid(Assembly assembly)
    {
        var declared = Attributes(assembly.GetCustomAttributesData(), typeof(TesseraPackageAttribute));
        return declared.Count == 1
            ? ParseAid(declared[0], "package")
            : throw Malformed("the assembly declares no [assembly: TesseraPackage(\"…\")]");
    }

    private static Dictionary<Aid, Type> Modules(Assembly assembly, Aid package)
    {
        Type[] types;
        try
        {
            types = assembly.GetTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
        {
            throw Malformed($"its types cannot be loaded ({e.Message})");
        }

        var modules = new Dictionary<Aid, Type>();
        foreach (var type in types)
        {
            var declared = Attributes(type.GetCustomAttributesData(), typeof(TesseraAppletAttribute));
            if (declared.Count == 0)
            {
                continue;
            }

            var aid = ParseAid(declared[0], $"applet {type.FullName}");
            if (!typeof(Applet).IsAssignableFrom(type) || type.IsAbstract || type.ContainsGenericParameters || !type.IsPublic)
            {
                throw Malformed($"{type.FullName} is marked [TesseraApplet] but is not a public concrete Applet class");
            }

            if (type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw Malformed($"applet {type.FullName} has no public parameterless constructor");
            }

            if (aid == package || !modules.TryAdd(aid, type))
            {
                throw Malformed($"module AID {aid} of {type.FullName} is used twice in the load file");
            }
        }

        return modules;
    }

    private static List<CustomAttributeData> Attributes(IEnumerable<CustomAttributeData> all, Type attribute)
    {
        try
        {
            return [.. all.Where(a => a.AttributeType == attribute)];
        }
        catch (Exception e) when (e is FileNotFoundException or FileLoadException or TypeLoadException or BadImageFormatException)
        {
            throw Malformed($"its attributes cannot be read ({e.Message})");
        }
    }

    private static Aid ParseAid(CustomAttributeData attribute, string what) =>
        attribute.ConstructorArguments is [{ Value: string hex }] && Aid.TryParse(hex, out var aid)
            ? aid
            : throw Malformed($"the {what} AID is not 5 to 16 bytes of hex");

    private static IsoException Malformed(string reason) =>
        new(StatusWords.IncorrectDataField, $"not a well-formed Tessera load file: {reason}");
}

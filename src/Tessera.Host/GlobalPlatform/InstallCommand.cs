using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// INSTALL (GPCS 2.3.1 §11.5): <c>80 E6 P1 P2 Lc data 00</c>, data LV-coded with GP lengths (Tables 11-42…11-47).
/// P1: <c>02</c> [for load], <c>04</c> [for install], <c>08</c> [for make selectable], <c>0C</c> [for install and
/// make selectable], <c>20</c> [for personalization].
/// </summary>
public static class InstallCommand
{
    public const byte Ins = 0xE6;
    public const byte ForLoadP1 = 0x02;
    public const byte ForInstallP1 = 0x04;
    public const byte ForMakeSelectableP1 = 0x08;
    public const byte ForInstallAndMakeSelectableP1 = 0x0C;
    public const byte ForPersonalizationP1 = 0x20;

    /// <summary>Install parameters <c>C9 len application-specific-parameters</c> (the mandatory minimum is <c>C9 00</c>).</summary>
    public static byte[] InstallParameters(ReadOnlySpan<byte> applicationSpecific) => BerTlv.Encode(new BerTag(0xC9), applicationSpecific);

    /// <summary>[for load]: <c>len ELF-AID ‖ len SD-AID ‖ len hash ‖ len load-params ‖ len token</c>.</summary>
    public static CommandApdu ForLoad(Aid loadFile, Aid? securityDomain = null, ReadOnlySpan<byte> hash = default, ReadOnlySpan<byte> loadParameters = default, ReadOnlySpan<byte> token = default) =>
        Build(ForLoadP1, [loadFile.Span.ToArray(), securityDomain?.ToArray() ?? [], hash.ToArray(), loadParameters.ToArray(), token.ToArray()]);

    /// <summary>
    /// [for install] (P1 <c>04</c>) or [for install and make selectable] (P1 <c>0C</c>):
    /// <c>len ELF-AID ‖ len module-AID ‖ len instance-AID ‖ len privileges ‖ len install-params ‖ len token</c>.
    /// </summary>
    /// <param name="installParameters">the whole install parameters field; default <c>C9 00</c>.</param>
    public static CommandApdu ForInstall(Aid loadFile, Aid module, Aid instance, Privileges privileges, ReadOnlySpan<byte> installParameters = default, bool makeSelectable = true, ReadOnlySpan<byte> token = default)
    {
        var parameters = installParameters.IsEmpty ? InstallParameters([]) : installParameters.ToArray();
        return Build(makeSelectable ? ForInstallAndMakeSelectableP1 : ForInstallP1, [loadFile.ToArray(), module.ToArray(), instance.ToArray(), privileges.ToArray(), parameters, token.ToArray()]);
    }

    /// <summary>[for make selectable]: <c>00 ‖ 00 ‖ len instance-AID ‖ len privileges ‖ len params ‖ len token</c>.</summary>
    public static CommandApdu ForMakeSelectable(Aid instance, Privileges privileges, ReadOnlySpan<byte> parameters = default, ReadOnlySpan<byte> token = default) =>
        Build(ForMakeSelectableP1, [[], [], instance.ToArray(), privileges.ToArray(), parameters.ToArray(), token.ToArray()]);

    /// <summary>[for personalization]: <c>00 ‖ 00 ‖ len AID ‖ AID ‖ 00 ‖ 00 ‖ 00</c>.</summary>
    public static CommandApdu ForPersonalization(Aid application) =>
        Build(ForPersonalizationP1, [[], [], application.ToArray(), [], [], []]);

    /// <summary>The LV fields of an INSTALL data field (inverse of the builders, for tests and tools).</summary>
    public static IReadOnlyList<byte[]> ParseFields(ReadOnlySpan<byte> data)
    {
        var fields = new List<byte[]>();
        while (!data.IsEmpty)
        {
            fields.Add(GpLength.ReadLv(data, out var consumed).ToArray());
            data = data[consumed..];
        }

        return fields;
    }

    private static CommandApdu Build(byte p1, byte[][] fields)
    {
        var data = new List<byte>();
        foreach (var field in fields)
        {
            data.AddRange(GpLength.EncodeLv(field));
        }

        if (data.Count > CommandApdu.MaxShortNc)
        {
            throw new ArgumentException($"INSTALL data would be {data.Count} bytes; GP commands carry at most 255");
        }

        return new CommandApdu(0x80, Ins, p1, 0x00, data.ToArray(), ne: 256);
    }
}

using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>What a GET STATUS entry describes.</summary>
public enum RegistryEntryKind
{
    IssuerSecurityDomain,
    Application,
    ExecutableLoadFile,
}

/// <summary>
/// One entry of the GP registry as GET STATUS (P2 <c>02</c>, tag format, GPCS 2.3.1 Tables 11-36/11-37) lists it:
/// <c>E3 { 4F AID, 9F70 life cycle, C5 privileges, CF implicit selection…, C4 ELF AID, CE version, 84 module AID…, CC SD AID }</c>.
/// </summary>
public sealed record RegistryEntry(
    RegistryEntryKind Kind,
    Aid Aid,
    byte LifeCycle,
    Privileges? Privileges,
    Aid? LoadFileAid,
    Aid? SecurityDomainAid,
    byte[]? Version,
    IReadOnlyList<Aid> Modules,
    IReadOnlyList<byte> ImplicitSelection)
{
    /// <summary>True when the application life cycle has the LOCKED bit (b8).</summary>
    public bool IsLocked => Kind == RegistryEntryKind.Application && (LifeCycle & 0x80) != 0;

    /// <summary>Parses the <c>E3</c> templates of one GET STATUS answer.</summary>
    public static IReadOnlyList<RegistryEntry> ParseAll(GetStatusScope scope, ReadOnlySpan<byte> data)
    {
        var entries = new List<RegistryEntry>();
        foreach (var template in TlvNode.ParseAll(data))
        {
            if (template.Tag.Value != 0xE3)
            {
                throw new FormatException($"GET STATUS entry has tag {template.Tag}, expected E3");
            }

            entries.Add(Parse(scope, template));
        }

        return entries;
    }

    public static RegistryEntry Parse(GetStatusScope scope, TlvNode template)
    {
        ArgumentNullException.ThrowIfNull(template);
        Aid? aid = null;
        byte lifeCycle = 0;
        Privileges? privileges = null;
        Aid? loadFile = null, securityDomain = null;
        byte[]? version = null;
        var modules = new List<Aid>();
        var implicitSelection = new List<byte>();
        foreach (var child in template.Children)
        {
            var v = child.Value.Span;
            switch (child.Tag.Value)
            {
                case 0x4F:
                    aid = ToAid(v, "4F");
                    break;
                case 0x9F70:
                    lifeCycle = v.Length >= 1 ? v[0] : throw new FormatException("empty life cycle 9F70");
                    break;
                case 0xC5:
                    privileges = GlobalPlatform.Privileges.FromBytes(v);
                    break;
                case 0xC4:
                    loadFile = ToAid(v, "C4");
                    break;
                case 0xCC:
                    securityDomain = ToAid(v, "CC");
                    break;
                case 0xCE:
                    version = v.ToArray();
                    break;
                case 0x84:
                    modules.Add(ToAid(v, "84"));
                    break;
                case 0xCF:
                    implicitSelection.AddRange(v);
                    break;
            }
        }

        var kind = scope switch
        {
            GetStatusScope.IssuerSecurityDomain => RegistryEntryKind.IssuerSecurityDomain,
            GetStatusScope.Applications => RegistryEntryKind.Application,
            _ => RegistryEntryKind.ExecutableLoadFile,
        };
        return new RegistryEntry(kind, aid ?? throw new FormatException("GET STATUS entry without AID 4F"), lifeCycle, privileges, loadFile, securityDomain, version, modules, implicitSelection);
    }

    /// <summary>The entry as an <c>E3</c> template (for round trips and test responders).</summary>
    public byte[] Encode()
    {
        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0xE3)))
        {
            w.Write(new BerTag(0x4F), Aid.Span);
            w.Write(new BerTag(0x9F70), [LifeCycle]);
            if (Privileges is { } p)
            {
                w.Write(new BerTag(0xC5), p.ToArray());
            }

            foreach (var b in ImplicitSelection)
            {
                w.Write(new BerTag(0xCF), [b]);
            }

            if (LoadFileAid is { } lf)
            {
                w.Write(new BerTag(0xC4), lf.Span);
            }

            if (Version is not null)
            {
                w.Write(new BerTag(0xCE), Version);
            }

            foreach (var m in Modules)
            {
                w.Write(new BerTag(0x84), m.Span);
            }

            if (SecurityDomainAid is { } sd)
            {
                w.Write(new BerTag(0xCC), sd.Span);
            }
        }

        return w.Encode();
    }

    private static Aid ToAid(ReadOnlySpan<byte> value, string tag) =>
        Aid.TryCreate(value, out var aid) ? aid : throw new FormatException($"{tag} {Convert.ToHexString(value)} is not an AID (5-16 bytes)");
}

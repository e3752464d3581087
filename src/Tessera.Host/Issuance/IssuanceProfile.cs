using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Host.Issuance;

/// <summary>
/// What a conventional or self-issuance puts on a card (docs/PROTOCOL.md, "Issuance profile"): a load file, the
/// instances to create from it, personalisation DGIs per instance with per-card placeholders, key sets to put,
/// and an optional final card life cycle. Hex strings throughout; <c>{field}</c> placeholders are filled from a
/// <see cref="CardRecord"/>.
/// </summary>
public sealed record IssuanceProfile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
    };

    public string Name { get; init; } = "issuance";

    /// <summary>AID of the ISD the issuer selects and authenticates with.</summary>
    public string IsdAid { get; init; } = "A000000151000000";

    public LoadFileSpec? LoadFile { get; init; }

    public IReadOnlyList<InstanceSpec> Instances { get; init; } = [];

    public IReadOnlyList<PersonalisationSpec> Personalisation { get; init; } = [];

    public IReadOnlyList<KeySetSpec> Keys { get; init; } = [];

    /// <summary>Card life cycle to set at the end (hex <c>07</c> INITIALIZED, <c>0F</c> SECURED), or null.</summary>
    public string? FinalCardLifeCycle { get; init; }

    /// <summary>The directory relative load file paths are resolved against (the profile file's directory).</summary>
    [JsonIgnore]
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();

    public static IssuanceProfile Parse(string json, string? baseDirectory = null)
    {
        var profile = JsonSerializer.Deserialize<IssuanceProfile>(json, Json) ?? throw new FormatException("the issuance profile is empty (null)");
        return profile with { BaseDirectory = baseDirectory ?? Directory.GetCurrentDirectory() };
    }

    public static IssuanceProfile Load(string path) =>
        Parse(File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path)));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The load file's absolute path.</summary>
    public string? ResolveLoadFilePath() =>
        LoadFile?.Path is { } p ? Path.GetFullPath(Path.IsPathRooted(p) ? p : Path.Combine(BaseDirectory, p)) : null;
}

/// <summary>The load file: the path of the assembly and its package AID (and optionally the SD to associate it with).</summary>
public sealed record LoadFileSpec
{
    public required string Path { get; init; }

    public required string PackageAid { get; init; }

    public string? SecurityDomainAid { get; init; }
}

/// <summary>
/// One application instance: INSTALL [for install and make selectable] (or [for install] when
/// <see cref="MakeSelectable"/> is false). <see cref="ApplicationParameters"/> is the value of <c>C9</c>;
/// <see cref="InstallParameters"/>, when given, is the whole install parameters field instead.
/// </summary>
public sealed record InstanceSpec
{
    /// <summary>Load file AID; defaults to the profile's package AID.</summary>
    public string? LoadFileAid { get; init; }

    public required string ModuleAid { get; init; }

    public required string InstanceAid { get; init; }

    public string Privileges { get; init; } = "000000";

    public string ApplicationParameters { get; init; } = "";

    public string? InstallParameters { get; init; }

    public bool MakeSelectable { get; init; } = true;
}

/// <summary>Personalisation of one application: INSTALL [for personalization] then STORE DATA of the DGIs.</summary>
public sealed record PersonalisationSpec
{
    public required string InstanceAid { get; init; }

    public IReadOnlyList<DgiSpec> Dgis { get; init; } = [];
}

/// <summary>One DGI: number (4 hex digits) and value (hex with <c>{field}</c> placeholders).</summary>
public sealed record DgiSpec
{
    public required string Dgi { get; init; }

    public required string Value { get; init; }

    /// <summary>Free text for people reading the profile.</summary>
    public string? Comment { get; init; }
}

/// <summary>A PUT KEY of an AES key set: new KVN, KVN replaced (<c>00</c> adds), ENC/MAC/DEK (hex or placeholders).</summary>
public sealed record KeySetSpec
{
    public required string Kvn { get; init; }

    public string ReplaceKvn { get; init; } = "00";

    public required string Enc { get; init; }

    public required string Mac { get; init; }

    public required string Dek { get; init; }
}

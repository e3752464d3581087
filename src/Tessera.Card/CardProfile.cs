using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Card;

/// <summary>
/// The JSON card profile a card is created from (SPEC §1.2). Hex strings are used for byte values. Unknown fields
/// are rejected so that a typo in a profile is an error, not a silently ignored setting.
/// </summary>
public sealed record CardProfile
{
    public const string DefaultAtrHex = "3B89800180575445535345524198";
    public const string DefaultIsdAidHex = "A000000151000000";
    public const string DefaultScp03KeyHex = "404142434445464748494A4B4C4D4E4F";
    public const int DefaultNvmCapacity = 1024 * 1024;
    public const int MinNvmCapacity = 64 * 1024;
    public const int MaxNvmCapacity = 256 * 1024 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>ATR in hex.</summary>
    public string Atr { get; init; } = DefaultAtrHex;

    /// <summary>AID of the Issuer Security Domain (card manager).</summary>
    public string IsdAid { get; init; } = DefaultIsdAidHex;

    public Scp03Profile Scp03 { get; init; } = new();

    /// <summary>NVM capacity in bytes (64 KiB to 256 MiB).</summary>
    public int NvmCapacity { get; init; } = DefaultNvmCapacity;

    /// <summary>Physical NVM page size in bytes (a power of two, 64 to 4096).</summary>
    public int PageSize { get; init; } = 256;

    /// <summary>Card-unique number, 8 bytes hex; random at creation when absent.</summary>
    public string? SerialNumber { get; init; }

    /// <summary>
    /// The card's issuance private key (ECDH P-256 scalar, 32 bytes hex, SPEC §4.9); generated at creation when absent.
    /// For reproducible test cards only: a real card's key never leaves it.
    /// </summary>
    public string? IssuanceKey { get; init; }

    /// <summary>Initial card life cycle: OP_READY, INITIALIZED or SECURED.</summary>
    public string LifeCycle { get; init; } = "OP_READY";

    /// <summary>Pre-installed command groups (SPEC §4.7).</summary>
    public IReadOnlyList<CommandGroupProfile>? CommandStorage { get; init; }

    /// <summary>
    /// Test and development option: give the MF access conditions <c>00</c> (always) for create and delete instead of
    /// <c>30</c> (ISD secure channel), so the file system can be exercised without a card manager session.
    /// </summary>
    public bool OpenFileSystem { get; init; }

    /// <summary>Number of logical channels per APDU interface, basic channel included (4 to 20).</summary>
    public int LogicalChannels { get; init; } = 4;

    public static CardProfile Default => new();

    public static CardProfile FromJson(string json)
    {
        try
        {
            var profile = JsonSerializer.Deserialize<CardProfile>(json, JsonOptions)
                ?? throw new CardProfileException("the card profile is empty (JSON null)");
            return profile.Validated();
        }
        catch (JsonException e)
        {
            throw new CardProfileException($"the card profile is not valid JSON for a card profile: {e.Message}", e);
        }
    }

    public static CardProfile Load(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (IOException e)
        {
            throw new CardProfileException($"cannot read card profile '{path}': {e.Message}", e);
        }

        var profile = FromJson(json);
        if (profile.CommandStorage is { Count: > 0 } groups)
        {
            // Group files are named relative to the profile; the image keeps the resolved paths.
            var directory = Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".";
            profile = profile with { CommandStorage = [.. groups.Select(g => g with { File = Path.GetFullPath(g.File, directory) })] };
        }

        return profile;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Returns this profile with a random serial number filled in when none is set.</summary>
    public CardProfile WithSerialNumberAssigned() =>
        SerialNumber is null ? this with { SerialNumber = Convert.ToHexString(RandomNumberGenerator.GetBytes(8)) } : this;

    public byte[] AtrBytes => ParseHex(Atr, nameof(Atr));

    public byte[] IsdAidBytes => ParseHex(IsdAid, nameof(IsdAid));

    public byte[] SerialNumberBytes => SerialNumber is null ? throw new CardProfileException("serialNumber is not assigned") : ParseHex(SerialNumber, nameof(SerialNumber));

    /// <summary>Checks every field; throws <see cref="CardProfileException"/> naming the field at fault.</summary>
    public CardProfile Validated()
    {
        var atr = AtrBytes;
        if (atr.Length is < 2 or > 33)
        {
            throw new CardProfileException($"atr must be 2 to 33 bytes, got {atr.Length}");
        }

        var aid = IsdAidBytes;
        if (aid.Length is < 5 or > 16)
        {
            throw new CardProfileException($"isdAid must be 5 to 16 bytes, got {aid.Length}");
        }

        if (NvmCapacity is < MinNvmCapacity or > MaxNvmCapacity)
        {
            throw new CardProfileException($"nvmCapacity must be {MinNvmCapacity} to {MaxNvmCapacity} bytes, got {NvmCapacity}");
        }

        if (PageSize is < 64 or > 4096 || (PageSize & (PageSize - 1)) != 0)
        {
            throw new CardProfileException($"pageSize must be a power of two from 64 to 4096, got {PageSize}");
        }

        if (SerialNumber is not null && ParseHex(SerialNumber, nameof(SerialNumber)).Length != 8)
        {
            throw new CardProfileException("serialNumber must be 8 bytes (16 hex digits)");
        }

        if (LifeCycle is not ("OP_READY" or "INITIALIZED" or "SECURED"))
        {
            throw new CardProfileException($"lifeCycle must be OP_READY, INITIALIZED or SECURED, got '{LifeCycle}'");
        }

        if (LogicalChannels is < 4 or > 20)
        {
            throw new CardProfileException($"logicalChannels must be 4 to 20, got {LogicalChannels}");
        }

        if (IssuanceKey is not null && ParseHex(IssuanceKey, nameof(IssuanceKey)).Length != 32)
        {
            throw new CardProfileException("issuanceKey must be a 32-byte P-256 private key (64 hex digits)");
        }

        var groupFids = new HashSet<int>();
        foreach (var group in CommandStorage ?? [])
        {
            var fid = ParseHex(group.Fid, "commandStorage.fid");
            if (fid.Length != 2 || (fid[0] << 8 | fid[1]) is 0x3F00 or 0x7F50 or 0xFFFF or 0x3FFF || !groupFids.Add(fid[0] << 8 | fid[1]))
            {
                throw new CardProfileException($"commandStorage.fid '{group.Fid}' must be a distinct 2-byte file identifier");
            }

            if (string.IsNullOrEmpty(group.Name) || System.Text.Encoding.UTF8.GetByteCount(group.Name) > 64)
            {
                throw new CardProfileException($"commandStorage.name of group {group.Fid} must be 1 to 64 bytes");
            }

            if (group.Content is null && string.IsNullOrEmpty(group.File))
            {
                throw new CardProfileException($"commandStorage group '{group.Name}' needs a file (or content)");
            }
        }

        Scp03.Validate();
        return this;
    }

    internal static byte[] ParseHex(string hex, string field)
    {
        var compact = hex.Replace(" ", string.Empty, StringComparison.Ordinal);
        try
        {
            return Convert.FromHexString(compact);
        }
        catch (FormatException)
        {
            throw new CardProfileException($"{field} is not valid hex: '{hex}'");
        }
    }
}

/// <summary>SCP03 settings of the ISD (SPEC §1.2).</summary>
public sealed record Scp03Profile
{
    /// <summary>The SCP03 "i" parameter in hex: 00, 10, 60 or 70.</summary>
    public string I { get; init; } = "70";

    public IReadOnlyList<Scp03KeySetProfile> KeySets { get; init; } =
        [new Scp03KeySetProfile()];

    /// <summary>Initial 3-byte sequence counter for pseudo-random card challenges.</summary>
    public int SequenceCounter { get; init; }

    /// <summary>10 bytes of key diversification data (hex); derived from the serial number when absent.</summary>
    public string? DiversificationData { get; init; }

    internal void Validate()
    {
        var i = CardProfile.ParseHex(I, "scp03.i");
        if (i.Length != 1 || i[0] is not (0x00 or 0x10 or 0x60 or 0x70))
        {
            throw new CardProfileException($"scp03.i must be 00, 10, 60 or 70, got '{I}'");
        }

        if (SequenceCounter is < 0 or > 0xFFFFFF)
        {
            throw new CardProfileException("scp03.sequenceCounter must fit in 3 bytes");
        }

        if (DiversificationData is not null && CardProfile.ParseHex(DiversificationData, "scp03.diversificationData").Length != 10)
        {
            throw new CardProfileException("scp03.diversificationData must be 10 bytes");
        }

        if (KeySets.Count == 0)
        {
            throw new CardProfileException("scp03.keySets must hold at least one key set");
        }

        foreach (var set in KeySets)
        {
            set.Validate();
        }
    }
}

/// <summary>One SCP03 key set: key version number and the three static AES keys (hex).</summary>
public sealed record Scp03KeySetProfile
{
    public string Kvn { get; init; } = "30";

    public string Enc { get; init; } = CardProfile.DefaultScp03KeyHex;

    public string Mac { get; init; } = CardProfile.DefaultScp03KeyHex;

    public string Dek { get; init; } = CardProfile.DefaultScp03KeyHex;

    internal void Validate()
    {
        var kvn = CardProfile.ParseHex(Kvn, "scp03.keySets[].kvn");
        if (kvn.Length != 1 || kvn[0] is 0x00 or 0xFF)
        {
            throw new CardProfileException($"scp03 key version number must be one byte 01..FE, got '{Kvn}'");
        }

        var lengths = new[] { Enc, Mac, Dek }.Select(k => CardProfile.ParseHex(k, "scp03 key").Length).ToArray();
        if (lengths.Any(l => l is not (16 or 24 or 32)) || lengths.Distinct().Count() != 1)
        {
            throw new CardProfileException($"scp03 key set {Kvn}: enc, mac and dek must be AES keys of one length (16, 24 or 32 bytes)");
        }
    }
}

/// <summary>A command group pre-installed in command storage at creation (SPEC §4.7).</summary>
public sealed record CommandGroupProfile
{
    public string Fid { get; init; } = string.Empty;

    public string Name { get; init; } = string.Empty;

    /// <summary>Path of the simultaneous command file, relative to the profile file.</summary>
    public string File { get; init; } = string.Empty;

    /// <summary>The structure itself as hex, instead of <see cref="File"/> (for profiles built in code).</summary>
    public string? Content { get; init; }
}

/// <summary>A card profile that cannot be used, with the field at fault in the message.</summary>
public sealed class CardProfileException(string message, Exception? inner = null) : Exception(message, inner);

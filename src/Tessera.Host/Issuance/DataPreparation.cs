using System.Globalization;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.Issuance;

/// <summary>Knobs of <see cref="DataPreparation"/>.</summary>
public sealed record DataPreparationOptions
{
    /// <summary>
    /// Bytes per LOAD block. The default (65535) gives one extended-length LOAD per 64 KiB, as a self-issuance
    /// script wants (SPEC §4.8); <see cref="ConventionalIssuer"/> cuts LOADs again to fit short APDUs.
    /// </summary>
    public int LoadBlockSize { get; init; } = CommandApdu.MaxExtendedNc;

    /// <summary>Bytes per STORE DATA command; the default 239 fits a short APDU at every SCP03 level.</summary>
    public int StoreDataBlockSize { get; init; } = 239;

    /// <summary>The load file bytes, instead of reading the profile's path.</summary>
    public ReadOnlyMemory<byte>? LoadFileBytes { get; init; }

    /// <summary>
    /// The static keys of the key set the issuer authenticates with; their Key-DEK encrypts PUT KEY values.
    /// Needed only when the profile puts keys.
    /// </summary>
    public StaticKeys? CurrentKeys { get; init; }
}

/// <summary>
/// Turns an issuance profile and one card's record into the ordered plain command list of its issuance:
/// INSTALL [for load] + LOAD, INSTALL [for install (and make selectable)] per instance, INSTALL [for
/// personalization] + STORE DATA (DGI) per personalised application, PUT KEY per key set, SET STATUS of the card.
/// SELECT of the ISD and the secure channel are the issuer's job and are not in the list.
/// </summary>
public static class DataPreparation
{
    public static IReadOnlyList<PreparedCommand> Prepare(IssuanceProfile profile, CardRecord card, DataPreparationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(card);
        options ??= new DataPreparationOptions();
        var commands = new List<PreparedCommand>();
        var package = profile.LoadFile is { } lf ? Aid.Parse(lf.PackageAid) : (Aid?)null;

        if (profile.LoadFile is { } loadFile)
        {
            var bytes = options.LoadFileBytes ?? File.ReadAllBytes(profile.ResolveLoadFilePath()!);
            var sd = loadFile.SecurityDomainAid is { } s ? Aid.Parse(s) : (Aid?)null;
            commands.Add(new(IssuanceFunction.Load, $"INSTALL [for load] {package}", InstallCommand.ForLoad(package!.Value, sd), true));
            var blocks = LoadCommand.Blocks(LoadCommand.LoadFile(bytes.Span), options.LoadBlockSize);
            for (var i = 0; i < blocks.Count; i++)
            {
                commands.Add(new(IssuanceFunction.Load, $"LOAD block {i + 1}/{blocks.Count}", blocks[i], false));
            }
        }

        foreach (var instance in profile.Instances)
        {
            var elf = instance.LoadFileAid is { } e ? Aid.Parse(e) : package ?? throw new FormatException($"instance {instance.InstanceAid} names no load file AID and the profile has no load file");
            var parameters = instance.InstallParameters is { } p ? card.FillHex(p) : InstallCommand.InstallParameters(card.FillHex(instance.ApplicationParameters));
            var install = InstallCommand.ForInstall(elf, Aid.Parse(instance.ModuleAid), Aid.Parse(instance.InstanceAid), Privileges.Parse(instance.Privileges), parameters, instance.MakeSelectable);
            commands.Add(new(IssuanceFunction.Install, $"INSTALL [for install{(instance.MakeSelectable ? " and make selectable" : "")}] {instance.InstanceAid}", install, true));
        }

        foreach (var perso in profile.Personalisation)
        {
            var application = Aid.Parse(perso.InstanceAid);
            commands.Add(new(IssuanceFunction.Personalize, $"INSTALL [for personalization] {application}", InstallCommand.ForPersonalization(application), true));
            var dgis = perso.Dgis.Select(d => (ParseDgi(d.Dgi), card.FillHex(d.Value))).ToList();
            var stores = StoreDataCommand.ForDgis(dgis, options.StoreDataBlockSize);
            foreach (var store in stores)
            {
                commands.Add(new(IssuanceFunction.Personalize, $"STORE DATA block {store.P2} {application}", store, false));
            }
        }

        foreach (var keySet in profile.Keys)
        {
            var current = options.CurrentKeys ?? throw new InvalidOperationException("the profile puts keys: DataPreparationOptions.CurrentKeys must give the Key-DEK of the key set the issuer authenticates with");
            var kvn = ParseByte(keySet.Kvn, "kvn");
            var newKeys = new StaticKeys(card.FillHex(keySet.Enc), card.FillHex(keySet.Mac), card.FillHex(keySet.Dek));
            commands.Add(new(IssuanceFunction.PutKey, $"PUT KEY KVN {kvn:X2}", PutKeyCommand.Build(kvn, ParseByte(keySet.ReplaceKvn, "replaceKvn"), newKeys, current.Dek), true));
        }

        if (profile.FinalCardLifeCycle is { } state)
        {
            var value = ParseByte(state, "finalCardLifeCycle");
            commands.Add(new(IssuanceFunction.LifeCycle, $"SET STATUS card {value:X2}", SetStatusCommand.CardLifeCycle(value), true));
        }

        return commands;
    }

    private static ushort ParseDgi(string text) =>
        ushort.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var dgi) && text.Length == 4
            ? dgi
            : throw new FormatException($"DGI '{text}' is not 4 hex digits");

    private static byte ParseByte(string text, string field) =>
        byte.TryParse(text, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value) && text.Length == 2
            ? value
            : throw new FormatException($"{field} '{text}' is not 2 hex digits");
}

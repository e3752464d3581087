using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// Where a session's static SCP03 keys come from: a fixed key set, or a master key diversified with the card's
/// key diversification data (returned by INITIALIZE UPDATE) in the KDF3 style (<see cref="Scp03KeyDiversification"/>).
/// </summary>
public sealed class CardKeys
{
    private readonly Func<ReadOnlyMemory<byte>, StaticKeys> resolve;

    private CardKeys(string description, Func<ReadOnlyMemory<byte>, StaticKeys> resolve)
    {
        Description = description;
        this.resolve = resolve;
    }

    /// <summary>The GlobalPlatform test key 404142…4F as ENC, MAC and DEK (the default card profile's key set).</summary>
    public static CardKeys GpDefault { get; } = Static(StaticKeys.FromSingleKey(Hex.Parse("404142434445464748494A4B4C4D4E4F")));

    public string Description { get; }

    /// <summary>The same key set for every card.</summary>
    public static CardKeys Static(StaticKeys keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        return new CardKeys($"static {keys}", _ => keys);
    }

    /// <summary>Per-card keys: KDF3(master, key diversification data) for ENC (1), MAC (2) and DEK (3).</summary>
    public static CardKeys DiversifiedKdf3(ReadOnlySpan<byte> masterKey)
    {
        var master = masterKey.ToArray();
        return new CardKeys($"KDF3-diversified from a {master.Length * 8}-bit master key", kdd => Scp03KeyDiversification.DiversifyKdf3(master, kdd.Span));
    }

    /// <summary>The static keys of the card whose INITIALIZE UPDATE returned <paramref name="keyDiversificationData"/>.</summary>
    public StaticKeys Resolve(ReadOnlyMemory<byte> keyDiversificationData) => resolve(keyDiversificationData);

    public override string ToString() => Description;
}

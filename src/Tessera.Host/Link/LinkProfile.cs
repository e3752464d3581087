namespace Tessera.Host.Link;

/// <summary>
/// A model of the link between host and card (SPEC §5): one-way latency, bandwidth, bits on the wire per byte
/// (framing), a fixed per-exchange protocol overhead in bytes, and optional cuts.
/// </summary>
public sealed record LinkProfile
{
    public string Name { get; init; } = "custom";

    /// <summary>One-way latency added to each direction of each exchange.</summary>
    public TimeSpan OneWayLatency { get; init; }

    /// <summary>Bits per second on the wire; 0 means unlimited.</summary>
    public long BitsPerSecond { get; init; }

    /// <summary>Bits on the wire per payload byte (10 for an asynchronous character with start and stop bit).</summary>
    public int BitsPerByte { get; init; } = 8;

    /// <summary>Protocol bytes added to each direction of an exchange (block prologue/epilogue, frame headers).</summary>
    public int OverheadBytesPerMessage { get; init; }

    /// <summary>Cut the link after this many completed exchanges (null: never).</summary>
    public int? CutAfterExchanges { get; init; }

    /// <summary>Cut the link once this many payload bytes have crossed it (null: never).</summary>
    public long? CutAfterBytes { get; init; }

    /// <summary>No latency, no bandwidth limit: the in-process floor.</summary>
    public static LinkProfile Local { get; } = new() { Name = "local" };

    /// <summary>ISO 7816-3 T=1 at 115,200 bit/s: 10 bits per character, 4 bytes of block framing each way.</summary>
    public static LinkProfile Contact { get; } = new()
    {
        Name = "contact",
        BitsPerSecond = 115_200,
        BitsPerByte = 10,
        OverheadBytesPerMessage = 4,
        OneWayLatency = TimeSpan.FromMilliseconds(0.1),
    };

    /// <summary>ISO 14443 at 424 kbit/s: 9 bits per byte (parity), about 4 bytes of frame overhead each way.</summary>
    public static LinkProfile Nfc { get; } = new()
    {
        Name = "nfc",
        BitsPerSecond = 424_000,
        BitsPerByte = 9,
        OverheadBytesPerMessage = 4,
        OneWayLatency = TimeSpan.FromMilliseconds(0.5),
    };

    /// <summary>A remote card over a mobile network: 150 ms round trip, 1 Mbit/s.</summary>
    public static LinkProfile Mobile { get; } = new()
    {
        Name = "mobile",
        BitsPerSecond = 1_000_000,
        BitsPerByte = 8,
        OneWayLatency = TimeSpan.FromMilliseconds(75),
    };

    public static IReadOnlyList<LinkProfile> BuiltIn { get; } = [Local, Contact, Nfc, Mobile];

    /// <summary>Finds a built-in profile by name (case-insensitive).</summary>
    public static LinkProfile Named(string name) =>
        BuiltIn.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown link profile '{name}'; known: {string.Join(", ", BuiltIn.Select(p => p.Name))}", nameof(name));

    /// <summary>The modelled time for one message of <paramref name="payloadBytes"/> in one direction.</summary>
    public TimeSpan MessageTime(int payloadBytes)
    {
        var transfer = BitsPerSecond <= 0
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds((double)(payloadBytes + OverheadBytesPerMessage) * BitsPerByte / BitsPerSecond);
        return OneWayLatency + transfer;
    }
}

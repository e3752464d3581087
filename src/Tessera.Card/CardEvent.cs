namespace Tessera.Card;

/// <summary>Kinds of events in a card's event log (power, faults, recovery).</summary>
public enum CardEventKind
{
    PowerOn,
    PowerOff,
    Reset,
    Recovered,
    Tear,
    TearArmed,
    InternalError,
    LinkDropped,
}

/// <summary>One entry of the card's event log.</summary>
public sealed record CardEvent(DateTimeOffset Time, CardEventKind Kind, string Detail)
{
    public override string ToString() => $"{Time:HH:mm:ss.fff} {Kind} {Detail}";
}

namespace Tessera.Card;

/// <summary>A bounded in-memory log of card events; every fault the card sees is reported here (SPEC §7).</summary>
public sealed class CardEventLog
{
    private readonly Queue<CardEvent> events = new();
    private readonly int capacity;
    private readonly object gate = new();

    public CardEventLog(int capacity = 256)
    {
        this.capacity = capacity;
    }

    /// <summary>Raised after each event is recorded.</summary>
    public event Action<CardEvent>? Recorded;

    public void Record(CardEventKind kind, string detail)
    {
        var entry = new CardEvent(DateTimeOffset.UtcNow, kind, detail);
        lock (gate)
        {
            if (events.Count == capacity)
            {
                events.Dequeue();
            }

            events.Enqueue(entry);
        }

        Recorded?.Invoke(entry);
    }

    public IReadOnlyList<CardEvent> Snapshot()
    {
        lock (gate)
        {
            return events.ToArray();
        }
    }
}

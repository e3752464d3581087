namespace Tessera.Host.Link;

/// <summary>Modelled time: advanced by link models instead of sleeping, so measurements are exact and fast.</summary>
public sealed class VirtualClock
{
    private long ticks;

    public TimeSpan Elapsed => TimeSpan.FromTicks(Interlocked.Read(ref ticks));

    public void Advance(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(duration), "time only moves forward");
        }

        Interlocked.Add(ref ticks, duration.Ticks);
    }
}

namespace Tessera.Card.Storage;

/// <summary>
/// Counts the physical NVM page writes of one chip since power-on and injects tears (SPEC §7). Arm it to tear at write
/// N (1-based, counted from the next <see cref="PowerOn"/>) or at a seeded random write in a range. When the armed write
/// happens, the page receives only a prefix of its new content (the rest keeps its old bytes or becomes garbage),
/// <see cref="Torn"/> is raised, and the write throws <see cref="CardTornException"/>. A plan fires once; until it
/// fires it stays armed, counted again from each power-on. Not thread-safe (the card serialises access).
/// </summary>
public sealed class TearTrigger
{
    private long pendingWrite;
    private long activeWrite;
    private Random random = new(0);

    /// <summary>Raised with the write number when a tear happens (the card records it in its event log).</summary>
    public event Action<long>? Torn;

    /// <summary>Physical page writes since the last <see cref="PowerOn"/>, the torn one included.</summary>
    public long WritesSincePowerOn { get; private set; }

    /// <summary>Physical page writes over the trigger's life (a wear figure).</summary>
    public long TotalWrites { get; private set; }

    /// <summary>The write number at which a tear is armed (pending the next power-on, or active), else null.</summary>
    public long? ArmedWrite => pendingWrite > 0 ? pendingWrite : activeWrite > 0 ? activeWrite : null;

    public bool IsArmed => ArmedWrite is not null;

    /// <summary>How the rest of a torn page looks; by default chosen at random per tear.</summary>
    public TearPattern Pattern { get; set; } = TearPattern.Random;

    public TearEvent? LastTear { get; private set; }

    /// <summary>Tears at physical write <paramref name="write"/> (1-based) counted from the next power-on.</summary>
    /// <param name="seed">seeds the length of the written prefix and the garbage.</param>
    public void ArmAtWrite(long write, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(write, 1);
        pendingWrite = write;
        activeWrite = 0;
        random = new Random(seed);
    }

    /// <summary>
    /// Tears at a write drawn from [<paramref name="from"/>, <paramref name="to"/>] by <paramref name="seed"/>, counted
    /// from the next power-on; returns the drawn write number (the same seed always draws the same write).
    /// </summary>
    public long ArmRandom(long from, long to, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(from, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(to, from);
        var generator = new Random(seed);
        var write = from + generator.NextInt64(to - from + 1);
        pendingWrite = write;
        activeWrite = 0;
        random = generator;
        return write;
    }

    /// <summary>Arms a tear <paramref name="writes"/> physical writes from now, in the current power cycle.</summary>
    public void ArmAfter(long writes, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writes, 1);
        pendingWrite = 0;
        activeWrite = WritesSincePowerOn + writes;
        random = new Random(seed);
    }

    public void Disarm()
    {
        pendingWrite = 0;
        activeWrite = 0;
    }

    /// <summary>The chip is powered: the write count restarts and a pending plan becomes active.</summary>
    public void PowerOn()
    {
        WritesSincePowerOn = 0;
        if (pendingWrite > 0)
        {
            activeWrite = pendingWrite;
            pendingWrite = 0;
        }
    }

    /// <summary>Counts one physical write; true when this write is the one to tear.</summary>
    internal bool CountWrite()
    {
        WritesSincePowerOn++;
        TotalWrites++;
        if (activeWrite == 0 || WritesSincePowerOn != activeWrite)
        {
            return false;
        }

        activeWrite = 0;
        return true;
    }

    /// <summary>
    /// Builds the torn content of a page into <paramref name="torn"/>: a prefix of <paramref name="content"/> shorter
    /// than the page, then the old bytes or garbage. Returns the prefix length.
    /// </summary>
    internal int ComposeTornPage(ReadOnlySpan<byte> old, ReadOnlySpan<byte> content, Span<byte> torn, out TearPattern rest)
    {
        var prefix = random.Next(content.Length);
        rest = Pattern != TearPattern.Random ? Pattern : random.Next(2) == 0 ? TearPattern.KeepOld : TearPattern.Garbage;
        content[..prefix].CopyTo(torn);
        if (rest == TearPattern.KeepOld)
        {
            old[prefix..].CopyTo(torn[prefix..]);
        }
        else
        {
            random.NextBytes(torn[prefix..]);
        }

        return prefix;
    }

    /// <summary>Reports the tear of the current write and returns the exception to throw.</summary>
    internal CardTornException Fire(int pageIndex, int bytesWritten, TearPattern rest)
    {
        var tear = new TearEvent(WritesSincePowerOn, pageIndex, bytesWritten, rest);
        LastTear = tear;
        Torn?.Invoke(tear.WriteNumber);
        return new CardTornException(tear.WriteNumber, pageIndex, bytesWritten);
    }
}

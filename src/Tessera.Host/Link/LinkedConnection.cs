using System.Diagnostics;
using Tessera.Host.Transport;

namespace Tessera.Host.Link;

/// <summary>
/// Wraps any connection in a <see cref="LinkProfile"/>: each exchange advances a <see cref="VirtualClock"/> by the
/// modelled link time, the card's own processing time is measured, and the link can be cut after a number of
/// exchanges or bytes. A cut drops the response of the exchange that crosses the limit (the command did reach the
/// card) and every later exchange until <see cref="Restore"/>, like a broken connection that is later re-established.
/// </summary>
public sealed class LinkedConnection(ICardConnection inner, LinkProfile profile, VirtualClock? clock = null) : ICardConnection
{
    private int exchanges;
    private long bytesToCard;
    private long bytesFromCard;
    private long cardTicks;
    private bool cut;
    private int? cutAfterExchanges = profile.CutAfterExchanges;
    private long? cutAfterBytes = profile.CutAfterBytes;

    public VirtualClock Clock { get; } = clock ?? new VirtualClock();

    public LinkProfile Profile => profile;

    public ICardConnection Inner => inner;

    public string Name => $"{inner.Name} over {profile.Name}";

    public bool IsCut => cut;

    public IMemoryInterface? Memory => inner.Memory is null ? null : new LinkedMemory(this, inner.Memory);

    public LinkStatistics Statistics => new(exchanges, bytesToCard, bytesFromCard, Clock.Elapsed, TimeSpan.FromTicks(cardTicks));

    /// <summary>Re-establishes a cut link; optionally arms a new cut, counted from now.</summary>
    public void Restore(int? cutAfterMoreExchanges = null, long? cutAfterMoreBytes = null)
    {
        cut = false;
        cutAfterExchanges = cutAfterMoreExchanges is { } e ? exchanges + e : null;
        cutAfterBytes = cutAfterMoreBytes is { } b ? bytesToCard + bytesFromCard + b : null;
    }

    /// <summary>Arms a cut after <paramref name="moreExchanges"/> further exchanges.</summary>
    public void CutAfter(int moreExchanges) => cutAfterExchanges = exchanges + moreExchanges;

    public byte[] PowerOn()
    {
        ThrowIfCut();
        Clock.Advance(profile.MessageTime(0) * 2);
        return inner.PowerOn();
    }

    public void PowerOff()
    {
        ThrowIfCut();
        inner.PowerOff();
    }

    public byte[] Reset()
    {
        ThrowIfCut();
        Clock.Advance(profile.MessageTime(0) * 2);
        return inner.Reset();
    }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        ThrowIfCut();
        Clock.Advance(profile.MessageTime(command.Length));
        bytesToCard += command.Length;
        var started = Stopwatch.GetTimestamp();
        byte[] response;
        try
        {
            response = inner.Transmit(command);
        }
        finally
        {
            cardTicks += Stopwatch.GetElapsedTime(started).Ticks;
        }

        exchanges++;
        if (cutAfterExchanges is { } limit && exchanges >= limit || cutAfterBytes is { } byteLimit && bytesToCard + bytesFromCard + response.Length >= byteLimit)
        {
            cut = true;
            throw new CardConnectionException(ConnectionFailure.LinkCut, $"link '{profile.Name}' was cut after {exchanges} exchanges; the last command reached the card but its answer was lost");
        }

        bytesFromCard += response.Length;
        Clock.Advance(profile.MessageTime(response.Length));
        return response;
    }

    public void Dispose() => inner.Dispose();

    private void ThrowIfCut()
    {
        if (cut)
        {
            throw new CardConnectionException(ConnectionFailure.LinkCut, $"link '{profile.Name}' is down; restore it before sending again");
        }
    }

    private sealed class LinkedMemory(LinkedConnection link, IMemoryInterface memory) : IMemoryInterface
    {
        public void Write(ushort fid, int offset, ReadOnlySpan<byte> data)
        {
            link.ThrowIfCut();
            link.Clock.Advance(link.Profile.MessageTime(data.Length + 8) + link.Profile.MessageTime(0));
            link.bytesToCard += data.Length + 8;
            link.exchanges++;
            memory.Write(fid, offset, data);
        }

        public byte[] Read(ushort fid, int offset, int length)
        {
            link.ThrowIfCut();
            var result = memory.Read(fid, offset, length);
            link.Clock.Advance(link.Profile.MessageTime(8) + link.Profile.MessageTime(result.Length));
            link.bytesFromCard += result.Length;
            link.exchanges++;
            return result;
        }
    }
}

namespace Tessera.Card.Os;

/// <summary>The logical channels of one powered APDU interface (contact or contactless).</summary>
public sealed class InterfaceSession
{
    private readonly LogicalChannel?[] channels;
    private readonly ushort mfNodeId;

    public InterfaceSession(CardInterface cardInterface, int channelCount, ushort mfNodeId)
    {
        Interface = cardInterface;
        this.mfNodeId = mfNodeId;
        channels = new LogicalChannel?[channelCount];
        channels[0] = NewChannel(0);
    }

    public CardInterface Interface { get; }

    public int ChannelCount => channels.Length;

    public LogicalChannel? Channel(int number) => number >= 0 && number < channels.Length ? channels[number] : null;

    public IEnumerable<LogicalChannel> OpenChannels => channels.OfType<LogicalChannel>();

    /// <summary>Opens the lowest free channel, or the given one; returns null when none is free / it is open.</summary>
    public LogicalChannel? Open(int? requested)
    {
        if (requested is { } n)
        {
            if (n <= 0 || n >= channels.Length || channels[n] is not null)
            {
                return null;
            }

            return channels[n] = NewChannel(n);
        }

        for (var i = 1; i < channels.Length; i++)
        {
            if (channels[i] is null)
            {
                return channels[i] = NewChannel(i);
            }
        }

        return null;
    }

    public void Close(int number)
    {
        channels[number]?.Reset(mfNodeId);
        channels[number] = null;
    }

    /// <summary>Closes every channel (power-off or reset of this interface).</summary>
    public void CloseAll()
    {
        for (var i = 0; i < channels.Length; i++)
        {
            Close(i);
        }
    }

    private LogicalChannel NewChannel(int number)
    {
        var channel = new LogicalChannel(number);
        channel.Reset(mfNodeId);
        return channel;
    }
}

namespace Tessera.Host.Link;

/// <summary>What crossed a link: exchanges, bytes each way, modelled link time and measured card time.</summary>
public sealed record LinkStatistics(int Exchanges, long BytesToCard, long BytesFromCard, TimeSpan ModelledLinkTime, TimeSpan MeasuredCardTime)
{
    public long TotalBytes => BytesToCard + BytesFromCard;

    public TimeSpan Total => ModelledLinkTime + MeasuredCardTime;
}

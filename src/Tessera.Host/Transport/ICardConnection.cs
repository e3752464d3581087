namespace Tessera.Host.Transport;

/// <summary>
/// The host's only view of a card: power, APDU exchange and, optionally, the memory interface. In-process cards,
/// PC/SC readers and vpcd-attached cards all implement it, and link profiles wrap any of them.
/// </summary>
public interface ICardConnection : IDisposable
{
    /// <summary>A name for logs and messages ("in-process contact", a reader name...).</summary>
    string Name { get; }

    /// <summary>Cold reset: powers the card on and returns its ATR.</summary>
    byte[] PowerOn();

    /// <summary>Removes power; all volatile card state is lost.</summary>
    void PowerOff();

    /// <summary>Warm reset; returns the ATR.</summary>
    byte[] Reset();

    /// <summary>Sends one command APDU and returns the response APDU (data ‖ SW1 SW2).</summary>
    /// <exception cref="CardConnectionException">the card did not answer or the link is down.</exception>
    byte[] Transmit(ReadOnlySpan<byte> command);

    /// <summary>The memory interface of the same card, when this connection offers one.</summary>
    IMemoryInterface? Memory { get; }
}

using System.Diagnostics;
using Tessera.Host.Transport;

namespace Tessera.Host.Pcsc;

/// <summary>
/// A card in a PC/SC reader (real or virtual, e.g. vpcd's "Virtual PCD 00 00"), reached through the system's
/// pcsc-lite, behind the same <see cref="ICardConnection"/> as an in-process card. Connects shared, T=1 preferred;
/// extended APDUs pass through (receive buffer 65538 bytes). A card that stops answering (a tear) shows as
/// <see cref="ConnectionFailure.CardMute"/> until <see cref="PowerOn"/> powers it on again.
/// </summary>
public sealed class PcscConnection : ICardConnection
{
    private const int ReceiveBufferSize = 65538;

    /// <summary>How long pcscd may report no card before <see cref="PowerOn"/> asks the reader itself.</summary>
    private static readonly TimeSpan StaleAbsence = TimeSpan.FromSeconds(2);

    private readonly PcscContext context;
    private readonly byte[] receiveBuffer = new byte[ReceiveBufferSize];
    private nint card;
    private nuint protocol;

    public PcscConnection(string readerName, TimeSpan? waitForCard = null)
    {
        ReaderName = readerName;
        WaitForCard = waitForCard ?? TimeSpan.FromSeconds(10);
        context = PcscContext.Establish();
    }

    public string ReaderName { get; }

    /// <summary>How long <see cref="PowerOn"/> waits for a card to appear in the reader.</summary>
    public TimeSpan WaitForCard { get; }

    public string Name => $"PC/SC reader '{ReaderName}'";

    public IMemoryInterface? Memory => null;

    /// <summary>
    /// A cold reset: connects if needed, then has pcscd power the card down and up (SCardReconnect with
    /// SCARD_UNPOWER_CARD), so the card starts afresh even when pcscd had kept it powered for another connection.
    /// While the card is absent, unpowered or unresponsive (a card that has just stopped answering, e.g. after a tear,
    /// until its reader has it back) this waits up to <see cref="WaitForCard"/>, retrying on the same handle.
    /// </summary>
    public byte[] PowerOn()
    {
        var waited = Stopwatch.StartNew();
        while (true)
        {
            long rc;
            if (card == 0)
            {
                rc = (long)PcscNative.SCardConnect(context.Handle, ReaderName, PcscNative.ShareShared, PcscNative.ProtocolT0 | PcscNative.ProtocolT1, out card, out protocol);
                if (rc == PcscNative.NoSmartcard && waited.Elapsed >= StaleAbsence)
                {
                    // pcscd may hold on to a "no card" that its presence poll never corrects: a power action that found
                    // the card gone marks the reader empty, and if the card is back before the next poll (every 400 ms),
                    // the poll sees no change and never takes it in again. A direct connection needs no card; the cold
                    // reset below asks the reader again and sets the state right (or fails while it is really empty).
                    // Only after a while: a card that pcscd has simply not polled yet is taken in (and powered up) by
                    // the poll, which would then reset it under a connection that got ahead of it.
                    rc = (long)PcscNative.SCardConnect(context.Handle, ReaderName, PcscNative.ShareDirect, 0, out card, out protocol);
                }

                if (rc != PcscNative.Success)
                {
                    card = 0;
                    WaitOrThrow(rc, waited, "connect to");
                    continue;
                }
            }

            rc = (long)PcscNative.SCardReconnect(card, PcscNative.ShareShared, PcscNative.ProtocolT0 | PcscNative.ProtocolT1, PcscNative.UnpowerCard, out protocol);
            if (rc == PcscNative.Success)
            {
                return Atr();
            }

            if (rc == PcscNative.InvalidHandle)
            {
                card = 0;
            }

            WaitOrThrow(rc, waited, "power on the card in");
        }
    }

    public void PowerOff()
    {
        if (card != 0)
        {
            PcscNative.SCardDisconnect(card, PcscNative.UnpowerCard);
            card = 0;
        }
    }

    public byte[] Reset()
    {
        if (card == 0)
        {
            return PowerOn();
        }

        Check("SCardReconnect", (long)PcscNative.SCardReconnect(card, PcscNative.ShareShared, PcscNative.ProtocolT0 | PcscNative.ProtocolT1, PcscNative.ResetCard, out protocol));
        return Atr();
    }

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        if (card == 0)
        {
            throw new CardConnectionException(ConnectionFailure.CardMute, $"{Name}: not connected; power the card on first");
        }

        var send = new PcscNative.IoRequest { Protocol = protocol, PciLength = (nuint)(2 * nint.Size) };
        nuint length = ReceiveBufferSize;
        var rc = (long)PcscNative.SCardTransmit(card, in send, command.ToArray(), (nuint)command.Length, 0, receiveBuffer, ref length);
        if (rc != PcscNative.Success)
        {
            throw IsCardUnavailable(rc)
                ? new CardConnectionException(ConnectionFailure.CardMute, $"{Name}: {PcscNative.Describe(rc)}; power the card on again to continue")
                : new CardConnectionException(ConnectionFailure.Transport, $"{Name}: {PcscNative.Describe(rc)}");
        }

        if (length == 0)
        {
            // Some drivers report a card that stopped answering as a successful exchange of nothing.
            throw new CardConnectionException(ConnectionFailure.CardMute, $"{Name}: the card gave no answer; power it on again to continue");
        }

        return receiveBuffer.AsSpan(0, (int)length).ToArray();
    }

    public void Dispose()
    {
        if (card != 0)
        {
            PcscNative.SCardDisconnect(card, PcscNative.LeaveCard);
            card = 0;
        }

        context.Dispose();
    }

    /// <summary>pcsc-lite's answers for a card that is there but does not answer, or not there (yet).</summary>
    private static bool IsCardUnavailable(long rc) => rc is PcscNative.NotTransacted or PcscNative.NoSmartcard or PcscNative.UnpoweredCard
        or PcscNative.RemovedCard or PcscNative.ResetCardWarning or PcscNative.UnresponsiveCard or PcscNative.CommDataLost;

    private void WaitOrThrow(long rc, Stopwatch waited, string what)
    {
        if (!(IsCardUnavailable(rc) || rc == PcscNative.ReaderUnavailable || rc == PcscNative.InvalidHandle) || waited.Elapsed > WaitForCard)
        {
            throw new CardConnectionException(ConnectionFailure.Transport, $"cannot {what} {Name}: {PcscNative.Describe(rc)}");
        }

        Thread.Sleep(20);
    }

    private byte[] Atr()
    {
        var atr = new byte[33];
        nuint atrLength = 33;
        nuint nameLength = 0;
        var rc = (long)PcscNative.SCardStatus(card, null, ref nameLength, out _, out protocol, atr, ref atrLength);
        Check("SCardStatus", rc);
        return atr.AsSpan(0, (int)atrLength).ToArray();
    }

    private void Check(string operation, long rc)
    {
        if (rc != PcscNative.Success)
        {
            throw new CardConnectionException(ConnectionFailure.Transport, $"{Name}: {operation}: {PcscNative.Describe(rc)}");
        }
    }
}

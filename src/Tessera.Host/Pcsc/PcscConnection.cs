using System.Diagnostics;
using Tessera.Host.Transport;

namespace Tessera.Host.Pcsc;

/// <summary>
/// A card in a PC/SC reader (real or virtual, e.g. vpcd's "Virtual PCD 00 00"), reached through the system's
/// pcsc-lite, behind the same <see cref="ICardConnection"/> as an in-process card. Connects shared, T=1 preferred;
/// extended APDUs pass through (receive buffer 65538 bytes).
/// </summary>
public sealed class PcscConnection : ICardConnection
{
    private const int ReceiveBufferSize = 65538;

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

    public byte[] PowerOn()
    {
        // A cold reset: leave the card unpowered, then connect again (pcscd powers it up on connect). This also
        // works after the card stopped answering, when a reconnect in place may not reach the card at all.
        PowerOff();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var rc = (long)PcscNative.SCardConnect(context.Handle, ReaderName, PcscNative.ShareShared, PcscNative.ProtocolT0 | PcscNative.ProtocolT1, out card, out protocol);
            if (rc == PcscNative.Success)
            {
                return Atr();
            }

            card = 0;
            if (rc is not (PcscNative.NoSmartcard or PcscNative.UnresponsiveCard or PcscNative.RemovedCard or PcscNative.ReaderUnavailable) || waited.Elapsed > WaitForCard)
            {
                throw new CardConnectionException(ConnectionFailure.Transport, $"cannot connect to {Name}: {PcscNative.Describe(rc)}");
            }

            Thread.Sleep(50);
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
            var failure = rc is PcscNative.NotTransacted or PcscNative.UnpoweredCard or PcscNative.RemovedCard or PcscNative.ResetCardWarning or PcscNative.UnresponsiveCard
                ? ConnectionFailure.CardMute
                : ConnectionFailure.Transport;
            throw new CardConnectionException(failure, $"{Name}: {PcscNative.Describe(rc)}");
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

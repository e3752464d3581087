using Tessera.Card;

namespace Tessera.Host.Transport;

/// <summary>A connection to a card in the same process, through one of its APDU interfaces.</summary>
public sealed class InProcessConnection(SecureDevice device, CardInterface cardInterface = CardInterface.Contact) : ICardConnection
{
    private readonly MemoryInterfaceAdapter memory = new(device);

    public string Name => $"in-process {cardInterface.ToString().ToLowerInvariant()}";

    public SecureDevice Device => device;

    public IMemoryInterface? Memory => memory;

    public byte[] PowerOn() => device.PowerOn(cardInterface);

    public void PowerOff() => device.PowerOff(cardInterface);

    public byte[] Reset() => device.Reset(cardInterface);

    public byte[] Transmit(ReadOnlySpan<byte> command)
    {
        try
        {
            return device.Transmit(cardInterface, command.ToArray());
        }
        catch (CardMuteException e)
        {
            throw new CardConnectionException(ConnectionFailure.CardMute, e.Message, e);
        }
    }

    public void Dispose()
    {
    }

    private sealed class MemoryInterfaceAdapter(SecureDevice device) : IMemoryInterface
    {
        public void Write(ushort fid, int offset, ReadOnlySpan<byte> data)
        {
            try
            {
                device.MemoryWrite(fid, offset, data);
            }
            catch (CardMuteException e)
            {
                throw new CardConnectionException(ConnectionFailure.CardMute, e.Message, e);
            }
        }

        public byte[] Read(ushort fid, int offset, int length)
        {
            try
            {
                return device.MemoryRead(fid, offset, length);
            }
            catch (CardMuteException e)
            {
                throw new CardConnectionException(ConnectionFailure.CardMute, e.Message, e);
            }
        }
    }
}

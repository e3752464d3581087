using Tessera.Iso7816;

namespace Tessera.Host.Transport;

/// <summary>
/// Sends command APDUs over a connection and completes ISO 7816-4 response handling: <c>61XX</c> is followed by
/// GET RESPONSE until the whole answer is in, <c>6CXX</c> re-sends the command once with Le = XX.
/// </summary>
public sealed class ApduTransmitter(ICardConnection connection)
{
    public ICardConnection Connection => connection;

    /// <summary>Raised after each raw exchange (command bytes, response bytes), for tracing.</summary>
    public event Action<byte[], byte[]>? Exchanged;

    public ResponseApdu Transmit(CommandApdu command)
    {
        var response = Exchange(command.ToArray());
        if (response.StatusWord.Sw1 == 0x6C)
        {
            var ne = response.StatusWord.Sw2 == 0 ? 256 : response.StatusWord.Sw2;
            response = Exchange(command.WithNe(ne).ToArray());
        }

        if (response.StatusWord.Sw1 != 0x61)
        {
            return response;
        }

        var data = new List<byte>(response.Data.Length + 256);
        data.AddRange(response.Data.Span);
        while (response.StatusWord.Sw1 == 0x61)
        {
            var getResponse = new CommandApdu(ClassByte.WithChannel(0x00, command.Channel), 0xC0, 0, 0, ne: response.StatusWord.Sw2 == 0 ? 256 : response.StatusWord.Sw2);
            response = Exchange(getResponse.ToArray());
            data.AddRange(response.Data.Span);
        }

        return new ResponseApdu(data.ToArray(), response.StatusWord);
    }

    /// <summary>Sends raw bytes and returns the raw response, without any chaining.</summary>
    public ResponseApdu Exchange(byte[] command)
    {
        var bytes = connection.Transmit(command);
        Exchanged?.Invoke(command, bytes);
        if (bytes.Length < 2)
        {
            throw new CardConnectionException(ConnectionFailure.Protocol, $"the card answered {bytes.Length} bytes, not a response APDU");
        }

        return ResponseApdu.Parse(bytes);
    }
}

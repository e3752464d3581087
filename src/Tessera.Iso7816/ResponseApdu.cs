namespace Tessera.Iso7816;

/// <summary>A response APDU: response data followed by SW1 SW2.</summary>
public sealed class ResponseApdu
{
    public ResponseApdu(ReadOnlyMemory<byte> data, StatusWord statusWord)
    {
        Data = data;
        StatusWord = statusWord;
    }

    public ResponseApdu(StatusWord statusWord)
        : this(ReadOnlyMemory<byte>.Empty, statusWord)
    {
    }

    public ReadOnlyMemory<byte> Data { get; }

    public StatusWord StatusWord { get; }

    public ushort SW => StatusWord.Value;

    /// <summary>Parses <c>data ‖ SW1 SW2</c>; fewer than 2 bytes is a format error.</summary>
    public static ResponseApdu Parse(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.Length < 2)
        {
            throw new ApduFormatException($"a response APDU has at least the 2 status bytes, got {bytes.Length}", StatusWords.NoPreciseDiagnosis);
        }

        var span = bytes.Span;
        return new ResponseApdu(bytes[..^2], new StatusWord(span[^2], span[^1]));
    }

    public int EncodedLength => Data.Length + 2;

    public byte[] ToArray()
    {
        var result = new byte[Data.Length + 2];
        Data.Span.CopyTo(result);
        result[^2] = StatusWord.Sw1;
        result[^1] = StatusWord.Sw2;
        return result;
    }

    public override string ToString() => Data.IsEmpty ? StatusWord.ToString() : $"{Convert.ToHexString(Data.Span)} {StatusWord}";
}

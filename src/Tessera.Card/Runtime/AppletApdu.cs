using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// One command as an applet sees it (short or extended encoding alike), and the answer the applet gives. An applet
/// that sends nothing answers <c>9000</c> with no data.
/// </summary>
public sealed class AppletApdu
{
    private readonly CommandApdu command;

    /// <summary>Wraps a parsed command APDU.</summary>
    /// <param name="isdSecureChannel">true while an ISD secure channel at AUTHENTICATED or higher is open on the
    /// command's channel (commands forwarded by the card manager, e.g. STORE DATA for personalisation).</param>
    public AppletApdu(CommandApdu command, CardInterface cardInterface = CardInterface.Contact, bool isdSecureChannel = false)
    {
        ArgumentNullException.ThrowIfNull(command);
        this.command = command;
        Interface = cardInterface;
        IsdSecureChannel = isdSecureChannel;
    }

    public byte Cla => command.Cla;

    public byte Ins => command.Ins;

    public byte P1 => command.P1;

    public byte P2 => command.P2;

    public ushort P1P2 => command.P1P2;

    /// <summary>The command data field (Nc bytes).</summary>
    public ReadOnlyMemory<byte> Data => command.Data;

    public int Nc => command.Nc;

    /// <summary>Expected response length; 0 when Le is absent.</summary>
    public int Ne => command.Ne;

    public bool IsExtended => command.IsExtended;

    /// <summary>The logical channel the command came on.</summary>
    public int Channel => command.Channel;

    /// <summary>CLA b8 set: a proprietary (GlobalPlatform-style) command.</summary>
    public bool IsProprietaryClass => ClassByte.IsProprietary(command.Cla);

    /// <summary>The CLA indicates secure messaging.</summary>
    public bool HasSecureMessaging => ClassByte.HasSecureMessaging(command.Cla);

    public CardInterface Interface { get; }

    /// <summary>An ISD secure channel (AUTHENTICATED or higher) is open on the command's channel.</summary>
    public bool IsdSecureChannel { get; }

    /// <summary>The whole command.</summary>
    public CommandApdu Command => command;

    /// <summary>The response data set by <see cref="Send(ReadOnlySpan{byte}, ushort)"/>.</summary>
    public ReadOnlyMemory<byte> ResponseData { get; private set; } = ReadOnlyMemory<byte>.Empty;

    /// <summary>The status word answered (<c>9000</c> unless the applet said otherwise).</summary>
    public ushort ResponseStatus { get; private set; } = 0x9000;

    /// <summary>Sets the answer: data (copied) and a status word (<c>9000</c>, or a <c>62XX</c>/<c>63XX</c> warning that keeps NVM effects).</summary>
    public void Send(ReadOnlySpan<byte> data, ushort statusWord = 0x9000)
    {
        ResponseData = data.ToArray();
        ResponseStatus = statusWord;
    }

    /// <summary>Answers a status word with no data.</summary>
    public void SendStatus(ushort statusWord) => Send(ReadOnlySpan<byte>.Empty, statusWord);

    /// <summary>Throws <c>6700</c> unless the data field has exactly <paramref name="length"/> bytes.</summary>
    public void RequireDataLength(int length)
    {
        if (Nc != length)
        {
            throw new IsoException(StatusWords.WrongLength, $"expected {length} data bytes, got {Nc}");
        }
    }

    /// <summary>Throws <c>6A86</c> unless P1-P2 equals <paramref name="p1p2"/>.</summary>
    public void RequireP1P2(ushort p1p2)
    {
        if (P1P2 != p1p2)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, $"P1-P2 must be {p1p2:X4}");
        }
    }
}

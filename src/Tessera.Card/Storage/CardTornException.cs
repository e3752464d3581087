namespace Tessera.Card.Storage;

/// <summary>
/// Power was lost during a physical NVM page write (an injected tear). The page was left partially written. Only the
/// card's power boundary catches this: everything in RAM is gone, and the next power-on mounts (and so recovers) NVM.
/// </summary>
public sealed class CardTornException : Exception
{
    public CardTornException(long writeNumber, int pageIndex, int bytesWritten)
        : base($"power lost at physical NVM write {writeNumber} (page {pageIndex}, {bytesWritten} bytes of it written)")
    {
        WriteNumber = writeNumber;
        PageIndex = pageIndex;
        BytesWritten = bytesWritten;
    }

    /// <summary>The 1-based number of the torn write, counted from power-on.</summary>
    public long WriteNumber { get; }

    public int PageIndex { get; }

    /// <summary>How many leading bytes of the new page content reached the medium.</summary>
    public int BytesWritten { get; }
}

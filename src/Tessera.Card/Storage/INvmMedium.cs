namespace Tessera.Card.Storage;

/// <summary>
/// The physical NVM pages of one chip. Only <see cref="NonVolatileMemory"/> writes them; a medium survives power
/// cycles (it is the chip, not the power cycle). Every <see cref="WritePage"/> is one physical write.
/// </summary>
public interface INvmMedium : IDisposable
{
    /// <summary>Bytes per page: a power of two from 64 to 4096 (default 256).</summary>
    int PageSize { get; }

    int PageCount { get; }

    /// <summary>The current content of a page (a live view: it changes when the page is written).</summary>
    ReadOnlySpan<byte> Page(int index);

    /// <summary>
    /// A contiguous view of <paramref name="length"/> bytes at byte <paramref name="offset"/> of the medium, possibly
    /// spanning pages. Media that keep their pages in one array return a live view; the default copies.
    /// </summary>
    ReadOnlySpan<byte> Slice(int offset, int length)
    {
        var first = offset / PageSize;
        var inPage = offset % PageSize;
        if (inPage + length <= PageSize)
        {
            return Page(first).Slice(inPage, length);
        }

        var copy = new byte[length];
        for (int done = 0, page = first; done < length; page++)
        {
            var n = Math.Min(PageSize - inPage, length - done);
            Page(page).Slice(inPage, n).CopyTo(copy.AsSpan(done));
            done += n;
            inPage = 0;
        }

        return copy;
    }

    /// <summary>
    /// As <see cref="Slice"/>, as memory that outlives the call (direct reference, SPEC §4.8): media that keep their pages
    /// in one array return a live view (it changes when the pages are written), the default copies.
    /// </summary>
    ReadOnlyMemory<byte> SliceMemory(int offset, int length) => Slice(offset, length).ToArray();

    /// <summary>One physical write of a whole page.</summary>
    void WritePage(int index, ReadOnlySpan<byte> content);

    /// <summary>A durability point (a no-op for RAM; an fsync for an image file that asks for it).</summary>
    void Flush();
}

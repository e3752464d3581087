namespace Tessera.Card.Storage;

/// <summary>
/// The only writer of the medium: counts physical writes since mount and plays the tear trigger. A torn write puts a
/// partial page on the medium and throws <see cref="CardTornException"/>; from then on this power cycle is over.
/// </summary>
internal sealed class PageStore
{
    private readonly TearTrigger? tear;

    public PageStore(INvmMedium medium, TearTrigger? tear)
    {
        Medium = medium;
        this.tear = tear;
        PageSize = medium.PageSize;
    }

    public INvmMedium Medium { get; }

    public int PageSize { get; }

    /// <summary>Physical writes through this store (since mount), the torn one included.</summary>
    public long Writes { get; private set; }

    /// <summary>A write tore or failed: RAM state no longer describes the medium.</summary>
    public bool PoweredOff { get; private set; }

    public ReadOnlySpan<byte> Page(int index) => Medium.Page(index);

    public ReadOnlySpan<byte> Slice(int offset, int length) => Medium.Slice(offset, length);

    public ReadOnlyMemory<byte> SliceMemory(int offset, int length) => Medium.SliceMemory(offset, length);

    public void Write(int index, ReadOnlySpan<byte> content)
    {
        if (PoweredOff)
        {
            throw new InvalidOperationException("the NVM lost power; mount the medium again");
        }

        Writes++;
        if (tear is not null && tear.CountWrite())
        {
            PoweredOff = true;
            var torn = new byte[PageSize];
            var prefix = tear.ComposeTornPage(Medium.Page(index), content, torn, out var rest);
            Medium.WritePage(index, torn);
            throw tear.Fire(index, prefix, rest);
        }

        try
        {
            Medium.WritePage(index, content);
        }
        catch
        {
            PoweredOff = true;
            throw;
        }
    }

    public void Flush() => Medium.Flush();
}

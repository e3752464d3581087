namespace Tessera.Card.Storage;

/// <summary>The card's NVM as one byte array in RAM. It is the chip: it survives the card's power cycles.</summary>
public sealed class MemoryMedium : INvmMedium
{
    private readonly byte[] bytes;

    /// <param name="totalBytes">NVM size, rounded down to whole pages (64 KiB to 256 MiB).</param>
    /// <param name="pageSize">a power of two from 64 to 4096.</param>
    public MemoryMedium(int totalBytes, int pageSize = NvmGeometry.DefaultPageSize)
    {
        PageCount = NvmGeometry.PageCountFor(totalBytes, pageSize);
        PageSize = pageSize;
        bytes = new byte[PageCount * pageSize];
    }

    private MemoryMedium(byte[] bytes, int pageSize)
    {
        this.bytes = bytes;
        PageSize = pageSize;
        PageCount = bytes.Length / pageSize;
    }

    public int PageSize { get; }

    public int PageCount { get; }

    /// <summary>The whole medium (a live view), for dumps and snapshots.</summary>
    public ReadOnlySpan<byte> Contents => bytes;

    /// <summary>A medium holding a copy of <paramref name="image"/> (for example a <see cref="Contents"/> snapshot).</summary>
    public static MemoryMedium FromImage(ReadOnlySpan<byte> image, int pageSize = NvmGeometry.DefaultPageSize)
    {
        var count = NvmGeometry.PageCountFor(image.Length, pageSize);
        if (count * pageSize != image.Length)
        {
            throw new ArgumentException($"an image of {image.Length} bytes is not a whole number of {pageSize}-byte pages", nameof(image));
        }

        return new MemoryMedium(image.ToArray(), pageSize);
    }

    public ReadOnlySpan<byte> Page(int index) => bytes.AsSpan(CheckPage(index) * PageSize, PageSize);

    public ReadOnlySpan<byte> Slice(int offset, int length) => bytes.AsSpan(offset, length);

    public ReadOnlyMemory<byte> SliceMemory(int offset, int length) => bytes.AsMemory(offset, length);

    public void WritePage(int index, ReadOnlySpan<byte> content)
    {
        CheckPage(index);
        if (content.Length != PageSize)
        {
            throw new ArgumentException($"a page write takes exactly {PageSize} bytes, got {content.Length}", nameof(content));
        }

        content.CopyTo(bytes.AsSpan(index * PageSize, PageSize));
    }

    public void Flush()
    {
    }

    public void Dispose()
    {
    }

    private int CheckPage(int index) =>
        (uint)index < (uint)PageCount ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"the medium has {PageCount} pages");
}

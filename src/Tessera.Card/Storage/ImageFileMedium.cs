using Microsoft.Win32.SafeHandles;

namespace Tessera.Card.Storage;

/// <summary>
/// A card's NVM in an image file (layout: <see cref="ImageFileHeader"/>, then the pages). Reads come from a RAM copy;
/// every page write goes straight to the file at the page's offset, so a killed process leaves exactly the writes
/// done so far, which the next mount recovers like a tear. The header is written once, into a temporary file that is
/// then renamed into place, so it is never torn. The file is opened exclusively: one card process per image.
/// </summary>
public sealed class ImageFileMedium : INvmMedium
{
    private readonly SafeFileHandle file;
    private readonly byte[] pages;
    private readonly long pagesOffset;
    private bool disposed;

    private ImageFileMedium(string path, SafeFileHandle file, byte[] pages, long pagesOffset, int pageSize, byte[] metadata, bool flushToDisk)
    {
        FilePath = path;
        this.file = file;
        this.pages = pages;
        this.pagesOffset = pagesOffset;
        PageSize = pageSize;
        PageCount = pages.Length / pageSize;
        Metadata = metadata;
        FlushToDisk = flushToDisk;
    }

    public string FilePath { get; }

    public int PageSize { get; }

    public int PageCount { get; }

    /// <summary>The opaque metadata stored in the header at creation (the card's profile).</summary>
    public ReadOnlyMemory<byte> Metadata { get; }

    /// <summary>When true, <see cref="Flush"/> forces the written pages to the disk (fsync).</summary>
    public bool FlushToDisk { get; }

    /// <summary>
    /// Creates a zero-filled image of <paramref name="totalBytes"/> (rounded down to whole pages) and opens it. The file
    /// must not exist. The NVM still has to be formatted (<see cref="NonVolatileMemory.Format"/>).
    /// </summary>
    public static ImageFileMedium Create(string path, int totalBytes, int pageSize = NvmGeometry.DefaultPageSize, ReadOnlyMemory<byte> metadata = default, bool flushToDisk = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var pageCount = NvmGeometry.PageCountFor(totalBytes, pageSize);
        if (metadata.Length > ImageFileHeader.MaxMetadataLength)
        {
            throw new ArgumentException($"image metadata is limited to {ImageFileHeader.MaxMetadataLength} bytes", nameof(metadata));
        }

        var full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new IOException($"'{full}' already exists; a card image is never overwritten");
        }

        var header = ImageFileHeader.Encode(pageSize, pageCount, metadata.Span);
        var temporary = Path.Combine(Path.GetDirectoryName(full) ?? ".", $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.creating");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(header);
                stream.SetLength(header.Length + ((long)pageCount * pageSize));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, full, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }

        return Open(full, flushToDisk);
    }

    /// <summary>Opens an image; throws <see cref="NvmImageFormatException"/> when it is not a readable card image.</summary>
    public static ImageFileMedium Open(string path, bool flushToDisk = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var file = File.OpenHandle(full, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        try
        {
            var length = RandomAccess.GetLength(file);
            var start = new byte[ImageFileHeader.FixedSize];
            var got = ReadFully(file, start, 0);
            var headerSize = ImageFileHeader.ReadSize(full, start.AsSpan(0, got), length);
            var header = new byte[headerSize];
            ReadFully(file, header, 0);
            var (pageSize, pageCount, metadata) = ImageFileHeader.Decode(full, header, length);
            var pages = new byte[pageSize * pageCount];
            if (ReadFully(file, pages, headerSize) != pages.Length)
            {
                throw new NvmImageFormatException(full, "the file shrank while it was being read");
            }

            return new ImageFileMedium(full, file, pages, headerSize, pageSize, metadata, flushToDisk);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ReadOnlySpan<byte> Page(int index)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return pages.AsSpan(CheckPage(index) * PageSize, PageSize);
    }

    public ReadOnlySpan<byte> Slice(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return pages.AsSpan(offset, length);
    }

    public ReadOnlyMemory<byte> SliceMemory(int offset, int length)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        return pages.AsMemory(offset, length);
    }

    public void WritePage(int index, ReadOnlySpan<byte> content)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        CheckPage(index);
        if (content.Length != PageSize)
        {
            throw new ArgumentException($"a page write takes exactly {PageSize} bytes, got {content.Length}", nameof(content));
        }

        // The file first: if it fails, the RAM copy still matches the file.
        RandomAccess.Write(file, content, pagesOffset + ((long)index * PageSize));
        content.CopyTo(pages.AsSpan(index * PageSize, PageSize));
    }

    public void Flush()
    {
        if (!disposed && FlushToDisk)
        {
            RandomAccess.FlushToDisk(file);
        }
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        file.Dispose();
    }

    private static int ReadFully(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[done..], offset + done);
            if (n == 0)
            {
                break;
            }

            done += n;
        }

        return done;
    }

    private int CheckPage(int index) =>
        (uint)index < (uint)PageCount ? index : throw new ArgumentOutOfRangeException(nameof(index), index, $"the medium has {PageCount} pages");
}

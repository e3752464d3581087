namespace Tessera.Card.Storage;

/// <summary>The limits of a card's NVM medium (SPEC §1: 64 KiB to 256 MiB, pages of 64 to 4096 bytes).</summary>
public static class NvmGeometry
{
    public const int DefaultPageSize = 256;
    public const int MinPageSize = 64;
    public const int MaxPageSize = 4096;
    public const int MinTotalBytes = 64 * 1024;
    public const int MaxTotalBytes = 256 * 1024 * 1024;

    public static bool IsValidPageSize(int pageSize) =>
        pageSize is >= MinPageSize and <= MaxPageSize && (pageSize & (pageSize - 1)) == 0;

    /// <summary>
    /// Checks a requested size and returns the page count: <paramref name="totalBytes"/> rounded down to whole pages.
    /// </summary>
    public static int PageCountFor(long totalBytes, int pageSize)
    {
        if (!IsValidPageSize(pageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"the page size must be a power of two from {MinPageSize} to {MaxPageSize}");
        }

        if (totalBytes is < MinTotalBytes or > MaxTotalBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(totalBytes), totalBytes, $"the NVM size must be {MinTotalBytes} to {MaxTotalBytes} bytes");
        }

        return (int)(totalBytes / pageSize);
    }
}

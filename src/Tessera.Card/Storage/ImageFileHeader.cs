using System.Buffers.Binary;
using System.Text;

namespace Tessera.Card.Storage;

/// <summary>
/// The header of a card image file, written once when the file is created (never rewritten, so never torn):
/// <code>
/// 0   "TESSERA-NVM" 00        magic (12 bytes)
/// 12  u16 version (1)         14  u16 flags (0)
/// 16  u32 header size         (a multiple of 4096; the pages start there)
/// 20  u32 page size           24  u32 page count
/// 28  u32 metadata length     32  metadata (opaque to storage: the card keeps its profile there)
/// 32+n u32 CRC-32 of bytes 0 .. 32+n
/// </code>
/// All integers big-endian. The file length is header size + page size × page count.
/// </summary>
internal static class ImageFileHeader
{
    public const int FixedSize = 32;
    public const ushort Version = 1;
    public const int Alignment = 4096;
    public const int MaxMetadataLength = 1024 * 1024;

    public static ReadOnlySpan<byte> Magic => "TESSERA-NVM\0"u8;

    public static int SizeFor(int metadataLength) => (FixedSize + metadataLength + 4 + Alignment - 1) / Alignment * Alignment;

    public static byte[] Encode(int pageSize, int pageCount, ReadOnlySpan<byte> metadata)
    {
        var header = new byte[SizeFor(metadata.Length)];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(12), Version);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(16), (uint)header.Length);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(20), (uint)pageSize);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(24), (uint)pageCount);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(28), (uint)metadata.Length);
        metadata.CopyTo(header.AsSpan(FixedSize));
        var crcAt = FixedSize + metadata.Length;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(crcAt), Crc32.Compute(header.AsSpan(0, crcAt)));
        return header;
    }

    /// <summary>Checks the fixed part; returns the header size to read in full.</summary>
    public static int ReadSize(string path, ReadOnlySpan<byte> start, long fileLength)
    {
        if (start.Length < FixedSize)
        {
            throw new NvmImageFormatException(path, $"the file is {fileLength} bytes long, too short for the {FixedSize}-byte header");
        }

        if (!start[..Magic.Length].SequenceEqual(Magic))
        {
            throw new NvmImageFormatException(path, $"no TESSERA-NVM magic at the start (found {Printable(start[..Magic.Length])})");
        }

        var version = BinaryPrimitives.ReadUInt16BigEndian(start[12..]);
        if (version != Version)
        {
            throw new NvmImageFormatException(path, $"image format version {version} is not supported (this build reads version {Version})");
        }

        var size = BinaryPrimitives.ReadUInt32BigEndian(start[16..]);
        var metadataLength = BinaryPrimitives.ReadUInt32BigEndian(start[28..]);
        if (metadataLength > MaxMetadataLength || size != SizeFor((int)metadataLength))
        {
            throw new NvmImageFormatException(path, $"the header is damaged (header size {size}, metadata length {metadataLength})");
        }

        if (fileLength < size)
        {
            throw new NvmImageFormatException(path, $"the file is truncated inside its header ({fileLength} of {size} bytes)");
        }

        return (int)size;
    }

    /// <summary>Validates the whole header against the file length; returns the geometry and the metadata.</summary>
    public static (int PageSize, int PageCount, byte[] Metadata) Decode(string path, ReadOnlySpan<byte> header, long fileLength)
    {
        var metadataLength = (int)BinaryPrimitives.ReadUInt32BigEndian(header[28..]);
        var crcAt = FixedSize + metadataLength;
        var stored = BinaryPrimitives.ReadUInt32BigEndian(header[crcAt..]);
        var actual = Crc32.Compute(header[..crcAt]);
        if (stored != actual)
        {
            throw new NvmImageFormatException(path, $"the header checksum does not match (stored {stored:X8}, computed {actual:X8})");
        }

        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(header[20..]);
        var pageCount = BinaryPrimitives.ReadUInt32BigEndian(header[24..]);
        if (!NvmGeometry.IsValidPageSize(pageSize))
        {
            throw new NvmImageFormatException(path, $"page size {pageSize} is not a power of two from {NvmGeometry.MinPageSize} to {NvmGeometry.MaxPageSize}");
        }

        var total = (long)pageSize * pageCount;
        if (total is < NvmGeometry.MinTotalBytes or > NvmGeometry.MaxTotalBytes)
        {
            throw new NvmImageFormatException(path, $"{pageCount} pages of {pageSize} bytes is outside the NVM size limits");
        }

        var expected = header.Length + total;
        if (fileLength != expected)
        {
            throw new NvmImageFormatException(path, fileLength < expected
                ? $"the file is truncated: {fileLength} bytes, the header announces {expected}"
                : $"the file is {fileLength} bytes, longer than the {expected} its header announces");
        }

        return (pageSize, (int)pageCount, header.Slice(FixedSize, metadataLength).ToArray());
    }

    private static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder();
        foreach (var b in bytes)
        {
            text.Append(b is >= 0x20 and < 0x7F ? (char)b : '.');
        }

        return $"\"{text}\"";
    }
}

using System.Buffers.Binary;
using Tessera.Card.Storage;

namespace Tessera.Card.Runtime;

/// <summary>
/// How a registered load file lives in NVM: the LOAD blocks stay where they were stored, one NVM block ("chunk")
/// each, and the load file is a small index block that lists them. So no command ever has to copy the whole load file
/// inside one atomic unit: a LOAD block writes its own chunk, the last one adds its chunk and this index.
/// <code>
/// index: "TLF1" ‖ SHA-256 of the Load File Data Block (32) ‖ u32 LFDB length ‖ u32 LFDB offset ‖ u16 n ‖ n × u32 chunk handle
/// </code>
/// The chunks concatenated are the Load File as received (<c>[E2 …]* C4 len LFDB</c>, leading chunks that hold
/// nothing of the LFDB dropped); the LFDB (the raw assembly, SPEC §3) is the <c>length</c> bytes at <c>offset</c> of
/// that concatenation and runs to its end. The hash lets the applet runtime find code it has already loaded (code is
/// shared across cards by content) without reading the chunks.
/// </summary>
public static class LoadFileStorage
{
    private const uint Magic = 0x544C4631; // "TLF1"
    private const int HeaderLength = 4 + HashLength + 4 + 4 + 2;
    private const int HashLength = 32;

    /// <summary>The most chunks one load file can have (the count is a u16).</summary>
    public const int MaxChunks = ushort.MaxValue;

    /// <summary>
    /// Writes the index of a load file whose chunks are already in NVM and returns its handle (the registry keeps it).
    /// <paramref name="offset"/> is where the LFDB starts in the first chunk's bytes and the LFDB runs to the end of
    /// the last chunk.
    /// </summary>
    /// <param name="sha256">SHA-256 of the LFDB (32 bytes).</param>
    /// <exception cref="NvmFullException">not enough NVM for the index (the atomic unit is then aborted).</exception>
    public static NvmHandle Create(NonVolatileMemory nvm, IReadOnlyList<NvmHandle> chunks, int offset, ReadOnlySpan<byte> sha256)
    {
        ArgumentNullException.ThrowIfNull(nvm);
        ArgumentNullException.ThrowIfNull(chunks);
        if (chunks.Count is 0 or > MaxChunks)
        {
            throw new ArgumentOutOfRangeException(nameof(chunks), chunks.Count, $"a load file has 1 to {MaxChunks} chunks");
        }

        if (sha256.Length != HashLength)
        {
            throw new ArgumentException("the content hash is a SHA-256 (32 bytes)", nameof(sha256));
        }

        var total = chunks.Sum(c => (long)nvm.LengthOf(c));
        if (offset < 0 || offset >= nvm.LengthOf(chunks[0]))
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "the LFDB starts inside the first chunk");
        }

        var index = new byte[HeaderLength + (4 * chunks.Count)];
        BinaryPrimitives.WriteUInt32BigEndian(index, Magic);
        sha256.CopyTo(index.AsSpan(4));
        BinaryPrimitives.WriteUInt32BigEndian(index.AsSpan(4 + HashLength), checked((uint)(total - offset)));
        BinaryPrimitives.WriteUInt32BigEndian(index.AsSpan(8 + HashLength), (uint)offset);
        BinaryPrimitives.WriteUInt16BigEndian(index.AsSpan(12 + HashLength), (ushort)chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(index.AsSpan(HeaderLength + (4 * i)), chunks[i].Value);
        }

        var block = nvm.Allocate(index.Length);
        nvm.Write(block, 0, index);
        return block;
    }

    /// <summary>True when <paramref name="loadFile"/> is an allocated load file index.</summary>
    public static bool IsLoadFile(NonVolatileMemory nvm, NvmHandle loadFile)
    {
        ArgumentNullException.ThrowIfNull(nvm);
        return nvm.IsAllocated(loadFile) && nvm.LengthOf(loadFile) >= HeaderLength
            && BinaryPrimitives.ReadUInt32BigEndian(nvm.View(loadFile, 0, 4)) == Magic;
    }

    /// <summary>SHA-256 (upper-case hex) of the Load File Data Block, as recorded when it was loaded.</summary>
    public static string ContentHash(NonVolatileMemory nvm, NvmHandle loadFile) =>
        Convert.ToHexString(Header(nvm, loadFile).Slice(4, HashLength));

    /// <summary>Length of the Load File Data Block in bytes.</summary>
    public static int Length(NonVolatileMemory nvm, NvmHandle loadFile) =>
        (int)BinaryPrimitives.ReadUInt32BigEndian(Header(nvm, loadFile).Slice(4 + HashLength, 4));

    /// <summary>The chunks, in order.</summary>
    public static IReadOnlyList<NvmHandle> Chunks(NonVolatileMemory nvm, NvmHandle loadFile)
    {
        var header = Header(nvm, loadFile);
        var count = BinaryPrimitives.ReadUInt16BigEndian(header[(12 + HashLength)..]);
        var table = nvm.View(loadFile, HeaderLength, 4 * count);
        var chunks = new NvmHandle[count];
        for (var i = 0; i < count; i++)
        {
            chunks[i] = new NvmHandle(BinaryPrimitives.ReadUInt32BigEndian(table[(4 * i)..]));
        }

        return chunks;
    }

    /// <summary>Every NVM block of the load file: the index, then its chunks.</summary>
    public static IReadOnlyList<NvmHandle> Blocks(NonVolatileMemory nvm, NvmHandle loadFile) => [loadFile, .. Chunks(nvm, loadFile)];

    /// <summary>The Load File Data Block (the assembly): the chunks' bytes concatenated from the recorded offset.</summary>
    public static byte[] Read(NonVolatileMemory nvm, NvmHandle loadFile)
    {
        var header = Header(nvm, loadFile);
        var length = (int)BinaryPrimitives.ReadUInt32BigEndian(header[(4 + HashLength)..]);
        var skip = (int)BinaryPrimitives.ReadUInt32BigEndian(header[(8 + HashLength)..]);
        var bytes = new byte[length];
        var at = 0;
        foreach (var chunk in Chunks(nvm, loadFile))
        {
            var part = nvm.View(chunk)[skip..];
            skip = 0;
            if (part.Length > length - at)
            {
                throw new InvalidOperationException($"load file {loadFile}: its chunks hold more than the recorded {length} bytes");
            }

            part.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }

        return at == length ? bytes : throw new InvalidOperationException($"load file {loadFile}: its chunks hold {at} of the recorded {length} bytes");
    }

    /// <summary>Frees the chunks and the index (inside the caller's atomic unit).</summary>
    public static void Free(NonVolatileMemory nvm, NvmHandle loadFile)
    {
        foreach (var block in Blocks(nvm, loadFile))
        {
            nvm.Free(block);
        }
    }

    private static ReadOnlySpan<byte> Header(NonVolatileMemory nvm, NvmHandle loadFile)
    {
        ArgumentNullException.ThrowIfNull(nvm);
        return IsLoadFile(nvm, loadFile)
            ? nvm.View(loadFile, 0, HeaderLength)
            : throw new InvalidOperationException($"NVM block {loadFile} is not a load file index");
    }
}

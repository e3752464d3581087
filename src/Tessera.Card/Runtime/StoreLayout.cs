using System.Buffers.Binary;
using Tessera.Card.Storage;

namespace Tessera.Card.Runtime;

/// <summary>
/// The NVM layout of an instance's persistent state. The root block (its handle is what the registry keeps) is
/// <c>"TAS1" ‖ u32 directory handle</c>; the directory block is <c>u16 count ‖ capacity × { u16 key ‖ u32 block }</c>
/// and is reallocated twice as large when full.
/// </summary>
internal static class StoreLayout
{
    private const uint Magic = 0x54415331; // "TAS1"
    private const int RootLength = 8;
    private const int EntryLength = 6;
    private const int InitialCapacity = 8;

    public static NvmHandle Create(NonVolatileMemory nvm)
    {
        var root = nvm.Allocate(RootLength);
        var directory = nvm.Allocate(2 + (InitialCapacity * EntryLength));
        Span<byte> header = stackalloc byte[RootLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, Magic);
        BinaryPrimitives.WriteUInt32BigEndian(header[4..], directory.Value);
        nvm.Write(root, 0, header);
        return root;
    }

    public static bool IsStore(NonVolatileMemory nvm, NvmHandle root) =>
        nvm.IsAllocated(root) && nvm.LengthOf(root) == RootLength
        && BinaryPrimitives.ReadUInt32BigEndian(nvm.View(root, 0, 4)) == Magic;

    /// <summary>Frees every value, the directory and the root.</summary>
    public static void Free(NonVolatileMemory nvm, NvmHandle root)
    {
        var directory = Directory(nvm, root);
        var count = Count(nvm, directory);
        for (var i = 0; i < count; i++)
        {
            nvm.Free(EntryAt(nvm, directory, i).Block);
        }

        nvm.Free(directory);
        nvm.Free(root);
    }

    public static NvmHandle Directory(NonVolatileMemory nvm, NvmHandle root)
    {
        if (!IsStore(nvm, root))
        {
            throw new InvalidOperationException($"NVM block {root} is not an applet instance's state");
        }

        return new NvmHandle(BinaryPrimitives.ReadUInt32BigEndian(nvm.View(root, 4, 4)));
    }

    public static int Count(NonVolatileMemory nvm, NvmHandle directory) =>
        BinaryPrimitives.ReadUInt16BigEndian(nvm.View(directory, 0, 2));

    public static (ushort Key, NvmHandle Block) EntryAt(NonVolatileMemory nvm, NvmHandle directory, int index)
    {
        var entry = nvm.View(directory, 2 + (index * EntryLength), EntryLength);
        return (BinaryPrimitives.ReadUInt16BigEndian(entry), new NvmHandle(BinaryPrimitives.ReadUInt32BigEndian(entry[2..])));
    }

    public static void SetEntry(NonVolatileMemory nvm, NvmHandle directory, int index, ushort key, NvmHandle block)
    {
        Span<byte> entry = stackalloc byte[EntryLength];
        BinaryPrimitives.WriteUInt16BigEndian(entry, key);
        BinaryPrimitives.WriteUInt32BigEndian(entry[2..], block.Value);
        nvm.Write(directory, 2 + (index * EntryLength), entry);
    }

    public static void Append(NonVolatileMemory nvm, NvmHandle root, ushort key, NvmHandle block)
    {
        var directory = Directory(nvm, root);
        var count = Count(nvm, directory);
        if (2 + ((count + 1) * EntryLength) > nvm.LengthOf(directory))
        {
            var grown = nvm.Allocate(2 + (count * 2 * EntryLength));
            nvm.Write(grown, 0, nvm.View(directory, 0, 2 + (count * EntryLength)).ToArray());
            nvm.Free(directory);
            Span<byte> pointer = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(pointer, grown.Value);
            nvm.Write(root, 4, pointer);
            directory = grown;
        }

        SetEntry(nvm, directory, count, key, block);
        WriteCount(nvm, directory, count + 1);
    }

    public static void RemoveAt(NonVolatileMemory nvm, NvmHandle directory, int index)
    {
        var count = Count(nvm, directory);
        if (index < count - 1)
        {
            var last = EntryAt(nvm, directory, count - 1);
            SetEntry(nvm, directory, index, last.Key, last.Block);
        }

        WriteCount(nvm, directory, count - 1);
    }

    private static void WriteCount(NonVolatileMemory nvm, NvmHandle directory, int count)
    {
        Span<byte> value = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(value, (ushort)count);
        nvm.Write(directory, 0, value);
    }
}

using System.Text;
using Tessera.Card.Storage;

namespace Tessera.Card.Tests.Storage;

internal static class NvmTestSupport
{
    public const int SmallMedium = 256 * 1024;

    public static (MemoryMedium Medium, NonVolatileMemory Nvm) Fresh(int totalBytes = SmallMedium, int pageSize = 256)
    {
        var medium = new MemoryMedium(totalBytes, pageSize);
        return (medium, NonVolatileMemory.Format(medium));
    }

    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static byte[] ReadAll(NonVolatileMemory nvm, NvmHandle block)
    {
        var bytes = new byte[nvm.LengthOf(block)];
        nvm.Read(block, 0, bytes);
        return bytes;
    }

    /// <summary>Committed content independent of where the allocator put things: root contents and all block contents.</summary>
    public static string ContentDump(NonVolatileMemory nvm)
    {
        var text = new StringBuilder();
        for (var slot = 0; slot < NonVolatileMemory.RootSlotCount; slot++)
        {
            var root = nvm.GetRoot(slot);
            text.Append("root ").Append(slot).Append(' ').Append(root.IsNone ? "-" : Convert.ToHexString(ReadAll(nvm, root))).Append('\n');
        }

        foreach (var hex in nvm.AllocatedBlocks.Select(b => Convert.ToHexString(ReadAll(nvm, b))).Order(StringComparer.Ordinal))
        {
            text.Append("block ").Append(hex).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The exact state: root handles, every block by handle, free bytes.</summary>
    public static string ExactDump(NonVolatileMemory nvm)
    {
        var text = new StringBuilder();
        for (var slot = 0; slot < NonVolatileMemory.RootSlotCount; slot++)
        {
            text.Append("root ").Append(slot).Append(' ').Append(nvm.GetRoot(slot)).Append('\n');
        }

        foreach (var block in nvm.AllocatedBlocks)
        {
            text.Append(block).Append(' ').Append(Convert.ToHexString(ReadAll(nvm, block))).Append('\n');
        }

        return text.Append("free ").Append(nvm.FreeBytes).Append('\n').ToString();
    }

    /// <summary>Blocks, free bytes and free-block headers must account for the whole heap (no lost or doubled space).</summary>
    public static void AssertHeapAccountsForEverything(NonVolatileMemory nvm)
    {
        long used = 0;
        foreach (var block in nvm.AllocatedBlocks)
        {
            used += (nvm.LengthOf(block) + 8 + 7) / 8 * 8;
        }

        Assert.Equal((long)nvm.Capacity + 8, used + nvm.FreeBytes + (8L * nvm.FreeBlockCount));
    }
}

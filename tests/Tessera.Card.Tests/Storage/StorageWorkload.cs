using System.Text;
using Tessera.Card.Storage;

namespace Tessera.Card.Tests.Storage;

/// <summary>What the NVM should hold: named blocks with their bytes, and which block each root slot names.</summary>
internal sealed class StorageModel
{
    public Dictionary<string, (NvmHandle Handle, byte[] Bytes)> Blocks { get; } = [];

    public string?[] Roots { get; } = new string?[NonVolatileMemory.UndoLogSlot]; // the last slot is the undo log's

    public StorageModel Clone()
    {
        var copy = new StorageModel();
        foreach (var (name, (handle, bytes)) in Blocks)
        {
            copy.Blocks.Add(name, (handle, (byte[])bytes.Clone()));
        }

        Roots.CopyTo(copy.Roots, 0);
        return copy;
    }

    /// <summary>The same text as <see cref="NvmTestSupport.ContentDump"/> makes from NVM, computed from the model alone.</summary>
    public string ContentDump()
    {
        var text = new StringBuilder();
        for (var slot = 0; slot < NonVolatileMemory.RootSlotCount; slot++)
        {
            text.Append("root ").Append(slot).Append(' ').Append(slot < Roots.Length && Roots[slot] is { } name ? Convert.ToHexString(Blocks[name].Bytes) : "-").Append('\n');
        }

        foreach (var hex in Blocks.Values.Select(b => Convert.ToHexString(b.Bytes)).Order(StringComparer.Ordinal))
        {
            text.Append("block ").Append(hex).Append('\n');
        }

        return text.ToString();
    }
}

/// <summary>One atomic unit of the workload, applied to NVM and to a pending copy of the model at once.</summary>
internal sealed class UnitSession(NonVolatileMemory nvm, StorageModel pending)
{
    public NonVolatileMemory Nvm { get; } = nvm;

    public StorageModel Pending { get; private set; } = pending;

    /// <summary>The model as it was when the open transaction began (null when none is open).</summary>
    public StorageModel? TransactionStart { get; private set; }

    public void Alloc(string name, int length)
    {
        var handle = Nvm.Allocate(length);
        Pending.Blocks.Add(name, (handle, new byte[length]));
    }

    public void Write(string name, int offset, byte[] data)
    {
        var (handle, bytes) = Pending.Blocks[name];
        Nvm.Write(handle, offset, data);
        data.CopyTo(bytes, offset);
    }

    public void Free(string name)
    {
        Nvm.Free(Pending.Blocks[name].Handle);
        Pending.Blocks.Remove(name);
        for (var slot = 0; slot < Pending.Roots.Length; slot++)
        {
            if (Pending.Roots[slot] == name)
            {
                Nvm.SetRoot(slot, NvmHandle.None);
                Pending.Roots[slot] = null;
            }
        }
    }

    public void Root(int slot, string? name)
    {
        Nvm.SetRoot(slot, name is null ? NvmHandle.None : Pending.Blocks[name].Handle);
        Pending.Roots[slot] = name;
    }

    public void BeginTransaction()
    {
        Nvm.BeginTransaction();
        TransactionStart = Pending.Clone();
    }

    public void CommitTransaction()
    {
        Nvm.CommitTransaction();
        TransactionStart = null;
    }

    public void AbortTransaction()
    {
        Nvm.AbortTransaction();
        Pending = TransactionStart!;
        TransactionStart = null;
    }
}

internal sealed record WorkloadUnit(string Name, Action<UnitSession> Body, bool Abort = false);

/// <summary>
/// A deterministic workload of atomic units: allocations of many sizes, writes crossing page boundaries, rewrites,
/// frees that merge neighbours, a 20 KB write, root changes, transactions, aborted units, a refused allocation and a
/// unit that changes nothing.
/// </summary>
internal static class StorageWorkload
{
    public static IReadOnlyList<WorkloadUnit> Units { get; } = Build();

    /// <summary>Runs one unit; returns the committed model afterwards (a tear propagates out of the commit).</summary>
    public static StorageModel Run(NonVolatileMemory nvm, StorageModel committed, WorkloadUnit unit)
    {
        var session = new UnitSession(nvm, committed.Clone());
        nvm.BeginAtomic();
        unit.Body(session);
        if (unit.Abort)
        {
            nvm.AbortAtomic();
            return committed;
        }

        nvm.CommitAtomic();

        // Committing with an open transaction aborts the transaction.
        return session.TransactionStart ?? session.Pending;
    }

    private static byte[] Data(int length, int seed) => NvmTestSupport.Pattern(length, seed);

    private static List<WorkloadUnit> Build()
    {
        var units = new List<WorkloadUnit>();
        int[] sizes = [17, 64, 200, 255, 256, 257, 300, 511, 700, 1000, 1500, 90];
        units.Add(new("directory", s =>
        {
            s.Alloc("dir", 40);
            s.Write("dir", 0, Data(40, 1));
            s.Root(0, "dir");
        }));
        for (var i = 0; i < sizes.Length; i++)
        {
            var n = i;
            units.Add(new($"alloc r{n}", s =>
            {
                s.Alloc($"r{n}", sizes[n]);
                var length = Math.Max(1, sizes[n] * 2 / 3);
                s.Write($"r{n}", sizes[n] - length, Data(length, 100 + n));
                if (n % 3 == 0)
                {
                    s.Root(1 + (n / 3), $"r{n}");
                }
            }));
        }

        for (var i = 0; i < sizes.Length; i += 2)
        {
            var n = i;
            units.Add(new($"rewrite r{n}", s =>
            {
                var length = Math.Min(sizes[n], 129);
                s.Write($"r{n}", sizes[n] - length, Data(length, 200 + n));
                s.Write("dir", n, [(byte)n]);
            }));
        }

        units.Add(new("big 20 KB", s =>
        {
            s.Alloc("big", 20 * 1024);
            s.Write("big", 0, Data(20 * 1024, 300));
            s.Root(14, "big");
        }));
        units.Add(new("free r3 and r7", s =>
        {
            s.Free("r3");
            s.Free("r7");
        }));
        units.Add(new("fill the holes", s =>
        {
            s.Alloc("h1", 150);
            s.Write("h1", 0, Data(150, 301));
            s.Alloc("h2", 400);
            s.Write("h2", 10, Data(390, 302));
        }));
        units.Add(new("transaction committed", s =>
        {
            s.Write("r1", 0, Data(20, 303));
            s.BeginTransaction();
            s.Write("r2", 0, Data(200, 304));
            s.Alloc("t1", 333);
            s.Write("t1", 0, Data(333, 305));
            s.CommitTransaction();
            s.Root(6, "t1");
        }));
        units.Add(new("transaction aborted", s =>
        {
            s.Write("r4", 0, Data(100, 306));
            s.BeginTransaction();
            s.Write("r5", 0, Data(257, 307));
            s.Free("r6");
            s.Alloc("t2", 900);
            s.Write("t2", 0, Data(900, 308));
            s.AbortTransaction();
            s.Write("r8", 5, Data(300, 309));
        }));
        units.Add(new("aborted unit", s =>
        {
            s.Alloc("gone", 5000);
            s.Write("gone", 0, Data(5000, 310));
            s.Free("r0");
            s.Root(2, null);
        }, Abort: true));
        units.Add(new("refused allocation", s =>
        {
            Assert.Throws<NvmFullException>(() => s.Nvm.Allocate(s.Nvm.Capacity));
            s.Write("r9", 1, Data(900, 311));
        }));
        units.Add(new("no change", s => s.Write("r9", 1, Data(900, 311))));
        units.Add(new("rewrite inside big", s => s.Write("big", 9000, Data(2048, 312))));
        units.Add(new("transaction left open", s =>
        {
            s.Write("r10", 0, Data(1500, 313));
            s.BeginTransaction();
            s.Write("r11", 0, Data(90, 314));
            s.Alloc("t3", 50);
        }));
        units.Add(new("move roots", s =>
        {
            s.Root(3, "big");
            s.Root(4, "h2");
            s.Root(0, null);
        }));
        units.Add(new("free big", s => s.Free("big")));
        for (var i = 0; i < 8; i++)
        {
            var n = i;
            units.Add(new($"chain {n}", s =>
            {
                s.Alloc($"c{n}", 60 + (n * 45));
                s.Write($"c{n}", 0, Data(60 + (n * 45), 400 + n));
                if (n > 0)
                {
                    s.Write($"c{n - 1}", 3, Data(40, 500 + n));
                }

                if (n % 3 == 2)
                {
                    s.Free($"c{n - 1}");
                }
            }));
        }

        for (var i = 0; i < 14; i++)
        {
            var n = i;
            units.Add(new($"update {n}", s =>
            {
                // 64-byte records at varied offsets, some crossing a page boundary.
                s.Write("r10", n * 131 % 1400, Data(64, 600 + n));
                if (n % 4 == 0)
                {
                    s.Root(8 + (n / 4), n % 8 == 0 ? "r10" : "h1");
                }
            }));
        }

        units.Add(new("free many", s =>
        {
            s.Free("r1");
            s.Free("r2");
            s.Free("c0");
            s.Free("h1");
        }));
        units.Add(new("big again", s =>
        {
            s.Alloc("big2", 12 * 1024);
            s.Write("big2", 100, Data(12000, 700));
            s.Root(13, "big2");
        }));
        return units;
    }
}

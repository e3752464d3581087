using System.Numerics;

namespace Tessera.Card.Storage;

/// <summary>
/// The pages changed by the open atomic unit, held in RAM until commit (the medium keeps the committed state), and a
/// savepoint for the explicit transaction. Reads through the cache see the unit's own writes. Page buffers are pooled
/// so that steady-state units allocate nothing.
/// </summary>
internal sealed class PageCache
{
    private const int PoolLimit = 64;

    private readonly PageStore store;
    private readonly int pageSize;
    private readonly int shift;
    private readonly int mask;
    private readonly Dictionary<int, byte[]> dirty = [];
    private readonly Stack<byte[]> pool = new();

    // page -> its content when the savepoint was taken, or null when it was not dirty then
    private readonly Dictionary<int, byte[]?> savepoint = [];
    private bool inSavepoint;

    public PageCache(PageStore store)
    {
        this.store = store;
        pageSize = store.PageSize;
        shift = BitOperations.Log2((uint)pageSize);
        mask = pageSize - 1;
    }

    /// <summary>Pages changed since the unit began (some may have been changed back).</summary>
    public int Count => dirty.Count;

    public byte[] DirtyPage(int page) => dirty[page];

    /// <summary>True when the open unit already holds <paramref name="page"/>.</summary>
    public bool IsDirty(int page) => dirty.ContainsKey(page);

    public void Read(int address, Span<byte> destination)
    {
        if (dirty.Count == 0)
        {
            store.Slice(address, destination.Length).CopyTo(destination);
            return;
        }

        for (var done = 0; done < destination.Length;)
        {
            var a = address + done;
            var page = a >> shift;
            var offset = a & mask;
            var n = Math.Min(pageSize - offset, destination.Length - done);
            var chunk = dirty.TryGetValue(page, out var buffer) ? buffer.AsSpan(offset, n) : store.Slice(a, n);
            chunk.CopyTo(destination.Slice(done, n));
            done += n;
        }
    }

    /// <summary>A view of the current bytes: zero-copy unless the range spans several pages and one of them is dirty.</summary>
    public ReadOnlySpan<byte> View(int address, int length)
    {
        if (length == 0 || dirty.Count == 0)
        {
            return store.Slice(address, length);
        }

        var first = address >> shift;
        var last = (address + length - 1) >> shift;
        if (first == last)
        {
            return dirty.TryGetValue(first, out var buffer) ? buffer.AsSpan(address & mask, length) : store.Slice(address, length);
        }

        if (!AnyDirty(first, last))
        {
            return store.Slice(address, length);
        }

        var copy = new byte[length];
        Read(address, copy);
        return copy;
    }

    /// <summary>
    /// How many pages not yet dirty a write of <paramref name="source"/> would dirty (pages whose bytes already match
    /// are not). <paramref name="lastCounted"/> carries the last page counted across calls over increasing addresses.
    /// </summary>
    public int CountNewPages(int address, ReadOnlySpan<byte> source, ref int lastCounted)
    {
        var count = 0;
        for (var done = 0; done < source.Length;)
        {
            var a = address + done;
            var page = a >> shift;
            var n = Math.Min(pageSize - (a & mask), source.Length - done);
            if (page > lastCounted && !dirty.ContainsKey(page) && !store.Slice(a, n).SequenceEqual(source.Slice(done, n)))
            {
                count++;
                lastCounted = page;
            }

            done += n;
        }

        return count;
    }

    /// <summary>As <see cref="CountNewPages"/> for zeroing <paramref name="length"/> bytes.</summary>
    public int CountNewPagesForZero(int address, int length, ref int lastCounted)
    {
        var count = 0;
        for (var done = 0; done < length;)
        {
            var a = address + done;
            var page = a >> shift;
            var n = Math.Min(pageSize - (a & mask), length - done);
            if (page > lastCounted && !dirty.ContainsKey(page) && store.Slice(a, n).ContainsAnyExcept((byte)0))
            {
                count++;
                lastCounted = page;
            }

            done += n;
        }

        return count;
    }

    public void Write(int address, ReadOnlySpan<byte> source)
    {
        for (var done = 0; done < source.Length;)
        {
            var a = address + done;
            var page = a >> shift;
            var offset = a & mask;
            var n = Math.Min(pageSize - offset, source.Length - done);
            var chunk = source.Slice(done, n);
            if (!Current(page).Slice(offset, n).SequenceEqual(chunk))
            {
                chunk.CopyTo(Writable(page).AsSpan(offset, n));
            }

            done += n;
        }
    }

    public void Zero(int address, int length)
    {
        for (var done = 0; done < length;)
        {
            var a = address + done;
            var page = a >> shift;
            var offset = a & mask;
            var n = Math.Min(pageSize - offset, length - done);
            if (Current(page).Slice(offset, n).ContainsAnyExcept((byte)0))
            {
                Writable(page).AsSpan(offset, n).Clear();
            }

            done += n;
        }
    }

    /// <summary>The dirty pages whose content differs from the medium, in ascending order.</summary>
    public void CollectChanged(List<int> pages)
    {
        pages.Clear();
        foreach (var (page, buffer) in dirty)
        {
            if (!store.Page(page).SequenceEqual(buffer))
            {
                pages.Add(page);
            }
        }

        pages.Sort();
    }

    /// <summary>Drops every change (after a commit, or to abort the unit).</summary>
    public void Clear()
    {
        ReleaseSavepoint();
        foreach (var buffer in dirty.Values)
        {
            Return(buffer);
        }

        dirty.Clear();
    }

    public void BeginSavepoint()
    {
        ReleaseSavepoint();
        inSavepoint = true;
    }

    /// <summary>Puts every page back as it was at <see cref="BeginSavepoint"/>.</summary>
    public void RollbackSavepoint()
    {
        foreach (var (page, saved) in savepoint)
        {
            if (saved is null)
            {
                if (dirty.Remove(page, out var buffer))
                {
                    Return(buffer);
                }
            }
            else
            {
                saved.CopyTo(dirty[page], 0);
                Return(saved);
            }
        }

        savepoint.Clear();
        inSavepoint = false;
    }

    /// <summary>Keeps the changes made since <see cref="BeginSavepoint"/> and forgets the savepoint.</summary>
    public void ReleaseSavepoint()
    {
        foreach (var saved in savepoint.Values)
        {
            if (saved is not null)
            {
                Return(saved);
            }
        }

        savepoint.Clear();
        inSavepoint = false;
    }

    private ReadOnlySpan<byte> Current(int page) => dirty.TryGetValue(page, out var buffer) ? buffer : store.Page(page);

    private byte[] Writable(int page)
    {
        if (dirty.TryGetValue(page, out var buffer))
        {
            if (inSavepoint && !savepoint.ContainsKey(page))
            {
                var saved = Rent();
                buffer.CopyTo(saved, 0);
                savepoint.Add(page, saved);
            }

            return buffer;
        }

        buffer = Rent();
        store.Page(page).CopyTo(buffer);
        dirty.Add(page, buffer);
        if (inSavepoint)
        {
            savepoint.TryAdd(page, null);
        }

        return buffer;
    }

    private bool AnyDirty(int first, int last)
    {
        if (last - first + 1 > dirty.Count)
        {
            foreach (var page in dirty.Keys)
            {
                if (page >= first && page <= last)
                {
                    return true;
                }
            }

            return false;
        }

        for (var page = first; page <= last; page++)
        {
            if (dirty.ContainsKey(page))
            {
                return true;
            }
        }

        return false;
    }

    private byte[] Rent() => pool.TryPop(out var buffer) ? buffer : new byte[pageSize];

    private void Return(byte[] buffer)
    {
        if (pool.Count < PoolLimit)
        {
            pool.Push(buffer);
        }
    }
}

using System.Buffers.Binary;
using Tessera.Card.Storage;

namespace Tessera.Card.Runtime;

/// <summary>
/// An applet instance's persistent state: values of any length under 16-bit keys, each in its own NVM heap block,
/// found through a directory block (<see cref="StoreLayout"/>). Every change happens in the current command's atomic
/// unit, so a command that fails or tears leaves no trace of it; a value written with the same length is updated in
/// place. <see cref="BeginTransaction"/> groups changes that must be undone together while the command goes on
/// (Java Card semantics: no nesting, aborted when the command returns).
/// </summary>
public sealed class PersistentStore
{
    private readonly Func<NonVolatileMemory> nvm;
    private readonly NvmHandle root;

    internal PersistentStore(Func<NonVolatileMemory> nvm, NvmHandle root)
    {
        this.nvm = nvm;
        this.root = root;
    }

    /// <summary>True while a transaction is open (on this card, whoever opened it).</summary>
    public bool InTransaction => nvm().InTransaction;

    /// <summary>Keys present, in ascending order.</summary>
    public IReadOnlyList<ushort> Keys
    {
        get
        {
            var memory = nvm();
            var directory = StoreLayout.Directory(memory, root);
            var keys = new List<ushort>();
            for (var i = 0; i < StoreLayout.Count(memory, directory); i++)
            {
                keys.Add(StoreLayout.EntryAt(memory, directory, i).Key);
            }

            keys.Sort();
            return keys;
        }
    }

    public bool Contains(ushort key) => Find(nvm(), key, out _, out _);

    /// <summary>Length of the value under <paramref name="key"/>, or -1 when there is none.</summary>
    public int LengthOf(ushort key)
    {
        var memory = nvm();
        return Find(memory, key, out _, out var block) ? memory.LengthOf(block) : -1;
    }

    /// <summary>A copy of the value, or null when there is none.</summary>
    public byte[]? Read(ushort key)
    {
        var memory = nvm();
        return Find(memory, key, out _, out var block) ? memory.View(block).ToArray() : null;
    }

    /// <summary>Reads <paramref name="destination"/>.Length bytes of the value at <paramref name="offset"/>.</summary>
    public void Read(ushort key, int offset, Span<byte> destination)
    {
        var memory = nvm();
        memory.Read(Require(memory, key), offset, destination);
    }

    /// <summary>Creates or replaces the value under <paramref name="key"/>.</summary>
    /// <exception cref="NvmFullException">not enough NVM (the command answers <c>6A84</c>).</exception>
    public void Write(ushort key, ReadOnlySpan<byte> value)
    {
        var memory = nvm();
        if (Find(memory, key, out var index, out var block))
        {
            if (memory.LengthOf(block) == value.Length)
            {
                memory.Write(block, 0, value);
                return;
            }

            var replacement = memory.Allocate(value.Length);
            memory.Write(replacement, 0, value);
            memory.Free(block);
            StoreLayout.SetEntry(memory, StoreLayout.Directory(memory, root), index, key, replacement);
            return;
        }

        var created = memory.Allocate(value.Length);
        memory.Write(created, 0, value);
        StoreLayout.Append(memory, root, key, created);
    }

    /// <summary>Overwrites part of an existing value in place.</summary>
    public void Write(ushort key, int offset, ReadOnlySpan<byte> value)
    {
        var memory = nvm();
        memory.Write(Require(memory, key), offset, value);
    }

    /// <summary>Removes the value under <paramref name="key"/>; false when there was none.</summary>
    public bool Delete(ushort key)
    {
        var memory = nvm();
        if (!Find(memory, key, out var index, out var block))
        {
            return false;
        }

        memory.Free(block);
        StoreLayout.RemoveAt(memory, StoreLayout.Directory(memory, root), index);
        return true;
    }

    /// <summary>The 4-byte big-endian integer under <paramref name="key"/>, or <paramref name="absent"/>.</summary>
    public uint ReadUInt32(ushort key, uint absent = 0)
    {
        Span<byte> value = stackalloc byte[4];
        var memory = nvm();
        if (!Find(memory, key, out _, out var block))
        {
            return absent;
        }

        memory.Read(block, 0, value);
        return BinaryPrimitives.ReadUInt32BigEndian(value);
    }

    public void WriteUInt32(ushort key, uint value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        Write(key, bytes);
    }

    /// <summary>Opens a transaction (no nesting: <see cref="TransactionException"/> if one is open).</summary>
    public void BeginTransaction() => nvm().BeginTransaction();

    /// <summary>Keeps the transaction's changes (durable when the command completes).</summary>
    public void CommitTransaction() => nvm().CommitTransaction();

    /// <summary>Undoes every change since <see cref="BeginTransaction"/>.</summary>
    public void AbortTransaction() => nvm().AbortTransaction();

    private bool Find(NonVolatileMemory memory, ushort key, out int index, out NvmHandle block)
    {
        var directory = StoreLayout.Directory(memory, root);
        var count = StoreLayout.Count(memory, directory);
        for (index = 0; index < count; index++)
        {
            var entry = StoreLayout.EntryAt(memory, directory, index);
            if (entry.Key == key)
            {
                block = entry.Block;
                return true;
            }
        }

        block = NvmHandle.None;
        return false;
    }

    private NvmHandle Require(NonVolatileMemory memory, ushort key) =>
        Find(memory, key, out _, out var block) ? block : throw new KeyNotFoundException($"no persistent value under key {key:X4}");
}

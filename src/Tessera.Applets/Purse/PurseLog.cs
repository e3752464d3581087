using System.Buffers.Binary;
using Tessera.Card.Runtime;

namespace Tessera.Applets.Purse;

/// <summary>
/// The purse's bounded transaction log, one persistent value: <c>u8 capacity ‖ u8 next ‖ u8 count ‖ capacity ×
/// entry</c>, entry = <c>type (01 credit, 02 debit) ‖ ATC u32 ‖ amount u32 ‖ balance after u32</c>. When full, the
/// oldest entry is overwritten.
/// </summary>
internal static class PurseLog
{
    public const int EntryLength = 13;
    public const int MaxCapacity = 50;
    public const byte Credit = 0x01;
    public const byte Debit = 0x02;

    public static void Create(PersistentStore store, int capacity)
    {
        var value = new byte[3 + (capacity * EntryLength)];
        value[0] = (byte)capacity;
        store.Write(PurseKeys.Log, value);
    }

    public static void Append(PersistentStore store, byte type, uint atc, uint amount, uint balance)
    {
        Span<byte> header = stackalloc byte[3];
        store.Read(PurseKeys.Log, 0, header);
        int capacity = header[0], next = header[1], count = header[2];
        Span<byte> entry = stackalloc byte[EntryLength];
        entry[0] = type;
        BinaryPrimitives.WriteUInt32BigEndian(entry[1..], atc);
        BinaryPrimitives.WriteUInt32BigEndian(entry[5..], amount);
        BinaryPrimitives.WriteUInt32BigEndian(entry[9..], balance);
        store.Write(PurseKeys.Log, 3 + (next * EntryLength), entry);
        header[1] = (byte)((next + 1) % capacity);
        header[2] = (byte)Math.Min(count + 1, capacity);
        store.Write(PurseKeys.Log, 1, header[1..]);
    }

    /// <summary>The entries, newest first.</summary>
    public static byte[] ReadNewestFirst(PersistentStore store)
    {
        var log = store.Read(PurseKeys.Log) ?? [0, 0, 0];
        int capacity = log[0], next = log[1], count = log[2];
        var result = new byte[count * EntryLength];
        for (var i = 0; i < count; i++)
        {
            var slot = (next - 1 - i + capacity) % capacity;
            log.AsSpan(3 + (slot * EntryLength), EntryLength).CopyTo(result.AsSpan(i * EntryLength));
        }

        return result;
    }
}

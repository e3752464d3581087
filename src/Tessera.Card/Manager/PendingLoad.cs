using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>
/// The load in progress (root slot <see cref="ManagerSlots.PendingLoad"/>): the load file AID named by INSTALL
/// [for load], the next expected LOAD block number, and one NVM block per LOAD block received so far. The last LOAD
/// assembles them (with its own data, which is never stored as a chunk) into the load file. It survives power loss;
/// a new INSTALL [for load] replaces it, a failed last block discards it.
/// </summary>
internal sealed record PendingLoad(Aid LoadFileAid, int NextBlock, IReadOnlyList<NvmHandle> Chunks)
{
    private const byte Version = 1;

    public static PendingLoad? Load(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.PendingLoad);
        if (bytes is null)
        {
            return null;
        }

        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown pending load version");
        }

        var aid = new Aid(r.Lv());
        var next = r.U16();
        var chunks = new List<NvmHandle>();
        for (var n = r.U16(); n > 0; n--)
        {
            chunks.Add(new NvmHandle(r.U32()));
        }

        return new PendingLoad(aid, next, chunks);
    }

    public void Save(NonVolatileMemory nvm)
    {
        var w = new RecordWriter().U8(Version).Lv(LoadFileAid.Span).U16(NextBlock).U16(Chunks.Count);
        foreach (var chunk in Chunks)
        {
            w.U32(chunk.Value);
        }

        BlobCodec.Write(nvm, ManagerSlots.PendingLoad, w.ToArray());
    }

    /// <summary>The bytes received so far.</summary>
    public byte[] Received(NonVolatileMemory nvm) => Chunks.SelectMany(c => nvm.View(c).ToArray()).ToArray();

    /// <summary>Frees the chunks and the record of any load in progress.</summary>
    public static void Discard(NonVolatileMemory nvm)
    {
        if (Load(nvm) is { } pending)
        {
            foreach (var chunk in pending.Chunks)
            {
                nvm.Free(chunk);
            }
        }

        BlobCodec.Clear(nvm, ManagerSlots.PendingLoad);
    }

    public string Describe(NonVolatileMemory nvm) => $"pending load {LoadFileAid} next block {NextBlock:X2} data={Convert.ToHexString(Received(nvm))}";
}

using System.Security.Cryptography;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>
/// The load in progress (root slot <see cref="ManagerSlots.PendingLoad"/>): the load file AID named by INSTALL
/// [for load], the count of LOAD blocks received (the next block number is its low byte), and one NVM block ("chunk")
/// per LOAD block received so far, holding the block's data as it came. The last LOAD adds its own chunk and hands
/// them all to the registered load file (<see cref="Runtime.LoadFileStorage"/>): nothing is copied. It survives
/// power loss; a new INSTALL [for load] replaces it, a failed last block discards it (chunks freed).
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
    public byte[] Received(NonVolatileMemory nvm)
    {
        var bytes = new byte[Chunks.Sum(nvm.LengthOf)];
        var at = 0;
        foreach (var chunk in Chunks)
        {
            var part = nvm.View(chunk);
            part.CopyTo(bytes.AsSpan(at));
            at += part.Length;
        }

        return bytes;
    }

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

    /// <summary>Ends the load in progress whose chunks now belong to a registered load file (they stay).</summary>
    public static void Clear(NonVolatileMemory nvm) => BlobCodec.Clear(nvm, ManagerSlots.PendingLoad);

    /// <summary>The canonical text of the load in progress: the received bytes by length and SHA-256 (a load file may be large).</summary>
    public string Describe(NonVolatileMemory nvm)
    {
        var received = Received(nvm);
        return $"pending load {LoadFileAid} blocks received {NextBlock} bytes={received.Length} sha256={Convert.ToHexString(SHA256.HashData(received))}";
    }
}

using Tessera.Card.Storage;

namespace Tessera.Card.Manager;

/// <summary>The ISD's SCP03 key sets in NVM (root slot <see cref="ManagerSlots.KeySets"/>), in creation order.</summary>
internal static class KeyStore
{
    private const byte Version = 1;

    public static IReadOnlyList<KeySet> Load(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.KeySets) ?? throw new InvalidOperationException("the key sets are missing from NVM");
        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown key store version");
        }

        var sets = new List<KeySet>();
        for (var n = r.U8(); n > 0; n--)
        {
            var kvn = r.U8();
            var length = r.U8();
            var enc = r.Raw(length);
            var mac = r.Raw(length);
            var dek = r.Raw(length);
            var counter = (int)r.U32();
            sets.Add(new KeySet(kvn, enc, mac, dek, counter));
        }

        return sets;
    }

    public static void Save(NonVolatileMemory nvm, IReadOnlyList<KeySet> sets)
    {
        var w = new RecordWriter().U8(Version).U8((byte)sets.Count);
        foreach (var set in sets)
        {
            w.U8(set.Kvn).U8((byte)set.KeyLength).Raw(set.Enc).Raw(set.Mac).Raw(set.Dek).U32((uint)set.Counter);
        }

        BlobCodec.Write(nvm, ManagerSlots.KeySets, w.ToArray());
    }

    public static IReadOnlyList<KeySet> FromProfile(CardProfile profile) =>
        profile.Scp03.KeySets.Select(k => new KeySet(
            CardProfile.ParseHex(k.Kvn, "kvn")[0],
            CardProfile.ParseHex(k.Enc, "enc"),
            CardProfile.ParseHex(k.Mac, "mac"),
            CardProfile.ParseHex(k.Dek, "dek"),
            profile.Scp03.SequenceCounter)).ToList();
}

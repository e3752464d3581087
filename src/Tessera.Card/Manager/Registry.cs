using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>The GlobalPlatform registry in NVM (root slot <see cref="ManagerSlots.Registry"/>), in creation order.</summary>
internal static class Registry
{
    private const byte Version = 1;

    public static List<RegistryEntry> Load(NonVolatileMemory nvm)
    {
        var entries = new List<RegistryEntry>();
        var bytes = BlobCodec.Read(nvm, ManagerSlots.Registry);
        if (bytes is null)
        {
            return entries;
        }

        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown registry version");
        }

        for (var n = r.U16(); n > 0; n--)
        {
            var kind = (RegistryEntryKind)r.U8();
            var aid = new Aid(r.Lv());
            var lifeCycle = r.U8();
            var privileges = r.Raw(3);
            var elf = AidOrDefault(r.Lv());
            var module = AidOrDefault(r.Lv());
            var modules = new List<Aid>();
            for (var m = r.U8(); m > 0; m--)
            {
                modules.Add(new Aid(r.Lv()));
            }

            entries.Add(new RegistryEntry(kind, aid, lifeCycle, privileges, elf, module, modules, new NvmHandle(r.U32())));
        }

        return entries;
    }

    public static void Save(NonVolatileMemory nvm, IReadOnlyList<RegistryEntry> entries)
    {
        var w = new RecordWriter().U8(Version).U16(entries.Count);
        foreach (var e in entries)
        {
            w.U8((byte)e.Kind).Lv(e.Aid.Span).U8(e.LifeCycle).Raw(e.Privileges).Lv(e.LoadFileAid.Span).Lv(e.ModuleAid.Span).U8((byte)e.Modules.Count);
            foreach (var m in e.Modules)
            {
                w.Lv(m.Span);
            }

            w.U32(e.Block.Value);
        }

        BlobCodec.Write(nvm, ManagerSlots.Registry, w.ToArray());
    }

    private static Aid AidOrDefault(byte[] bytes) => bytes.Length == 0 ? default : new Aid(bytes);
}

using System.Text;
using Tessera.Card.FileSystem;
using Tessera.Card.Manager;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Issuance;

/// <summary>
/// The file management table of command storage (SPEC §4.1): for each EF of DF <c>7F50</c> its FID, size,
/// direct-access flag, NVM address and optional command group name. The EFs themselves live in the file system; the
/// names (root slot <see cref="ManagerSlots.CommandGroups"/>, the default group first) are kept here.
/// </summary>
internal static class CommandStorageTable
{
    private const byte Version = 1;

    /// <summary>The named command groups in order (the first is the card's default group).</summary>
    public static List<(ushort Fid, string Name)> Groups(NonVolatileMemory nvm)
    {
        var groups = new List<(ushort, string)>();
        var bytes = BlobCodec.Read(nvm, ManagerSlots.CommandGroups);
        if (bytes is null)
        {
            return groups;
        }

        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown command group table version");
        }

        for (var n = r.U16(); n > 0; n--)
        {
            var fid = (ushort)r.U16();
            groups.Add((fid, Encoding.UTF8.GetString(r.Lv())));
        }

        return groups;
    }

    public static void SaveGroups(NonVolatileMemory nvm, IReadOnlyList<(ushort Fid, string Name)> groups)
    {
        var w = new RecordWriter().U8(Version).U16(groups.Count);
        foreach (var (fid, name) in groups)
        {
            w.U16(fid).Lv(Encoding.UTF8.GetBytes(name));
        }

        BlobCodec.Write(nvm, ManagerSlots.CommandGroups, w.ToArray());
    }

    /// <summary>
    /// Creates the pre-stored command groups of a card profile at card creation (SPEC §4.7): one EF per group in
    /// command storage (direct access allowed, access conditions 30) holding the group's structure, each in its own
    /// atomic units, and the name table.
    /// </summary>
    public static void Install(NonVolatileMemory nvm, CardFileSystem files, IReadOnlyList<CommandGroupProfile> groups)
    {
        if (groups.Count == 0)
        {
            return;
        }

        var names = new List<(ushort, string)>();
        var secure = AccessCondition.IsdSecureChannel;
        foreach (var group in groups)
        {
            byte[] content;
            try
            {
                content = group.Content is { } hex ? Convert.FromHexString(hex) : File.ReadAllBytes(group.File);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                throw new CardProfileException($"cannot read command group '{group.Name}' ({group.File}): {e.Message}", e);
            }

            if (content.Length == 0)
            {
                throw new CardProfileException($"command group '{group.Name}' is empty");
            }

            var fid = Convert.ToUInt16(group.Fid, 16);
            nvm.BeginAtomic();
            var ef = files.Create(files.CommandStorage, new FileSpec(FileKind.TransparentEf, fid, null, content.Length, CardFile.DirectAccessFlag, new AccessRules(secure, secure, secure, secure)));
            nvm.CommitAtomic();
            for (var done = 0; done < content.Length; done += 32 * 1024)
            {
                nvm.BeginAtomic();
                files.WriteContent(ef, done, content.AsSpan(done, Math.Min(32 * 1024, content.Length - done)));
                nvm.CommitAtomic();
            }

            names.Add((fid, group.Name));
        }

        nvm.BeginAtomic();
        SaveGroups(nvm, names);
        nvm.CommitAtomic();
    }

    /// <summary>The EF of command storage that holds a structure: by FID, by group name, or the default group.</summary>
    public static CardFile Resolve(CardFileSystem files, NonVolatileMemory nvm, ushort? fid, string? name)
    {
        var storage = files.CommandStorage;
        ushort target;
        if (fid is { } f)
        {
            target = f;
        }
        else
        {
            var groups = Groups(nvm);
            var group = name is null ? groups.FirstOrDefault() : groups.FirstOrDefault(g => g.Name == name);
            if (group.Name is null)
            {
                throw new IsoException(StatusWords.FileNotFound, name is null ? "the card has no default command group; name the EF (83) or group (C0)" : $"no command group named '{name}'");
            }

            target = group.Fid;
        }

        var ef = storage.Child(target);
        if (ef is null || ef.IsDf)
        {
            throw new IsoException(StatusWords.FileNotFound, $"command storage has no EF {target:X4}");
        }

        return ef;
    }

    /// <summary>GET DATA <c>FF50</c>: <c>FF50 { 61 { 83 fid, 80 size, C0 flags, C8 name (optional) } … }</c>.</summary>
    public static byte[] Encode(CardFileSystem files, NonVolatileMemory nvm)
    {
        var names = Groups(nvm).ToDictionary(g => g.Fid, g => g.Name);
        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0xFF50)))
        {
            foreach (var ef in files.CommandStorage.Children.Where(c => !c.IsDf))
            {
                using (w.PushConstructed(new BerTag(0x61)))
                {
                    w.Write(new BerTag(0x83), [(byte)(ef.Fid >> 8), (byte)ef.Fid]);
                    w.Write(new BerTag(0x80), ef.Size <= 0xFFFF ? [(byte)(ef.Size >> 8), (byte)ef.Size] : [(byte)(ef.Size >> 24), (byte)(ef.Size >> 16), (byte)(ef.Size >> 8), (byte)ef.Size]);
                    w.Write(new BerTag(0xC0), [ef.Flags]);
                    if (names.TryGetValue(ef.Fid, out var name))
                    {
                        w.Write(new BerTag(0xC8), Encoding.UTF8.GetBytes(name));
                    }
                }
            }
        }

        return w.ToArray();
    }
}

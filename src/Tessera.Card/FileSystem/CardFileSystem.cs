using System.Buffers.Binary;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.FileSystem;

/// <summary>
/// The card's ISO 7816-4 file system. The tree is persisted as one directory block in NVM (root slot
/// <see cref="RootSlot"/>), and each EF's contents as its own NVM block of the EF's size, written in place.
/// Every mutation happens inside the card's atomic unit for the command, so a failed or torn command leaves no trace.
/// </summary>
public sealed class CardFileSystem
{
    public const int RootSlot = 1;
    public const ushort MfFid = 0x3F00;
    public const ushort CommandStorageFid = 0x7F50;
    public const string CommandStorageName = "TESSERA.ISSUANCE";

    private const byte FormatVersion = 1;
    private const int NodeFixedLength = 2 + 2 + 1 + 2 + 1 + 4 + 1 + 4 + 4;

    private readonly NonVolatileMemory nvm;
    private readonly Dictionary<ushort, CardFile> byNodeId = [];
    private ushort nextNodeId;

    private CardFileSystem(NonVolatileMemory nvm)
    {
        this.nvm = nvm;
        Mf = null!;
    }

    public CardFile Mf { get; private set; }

    /// <summary>The command storage DF <c>7F50</c> (SPEC §4.1).</summary>
    public CardFile CommandStorage => Mf.Child(CommandStorageFid) ?? throw new InvalidOperationException("command storage DF is missing");

    /// <summary>Creates the MF and the command storage DF on a fresh card (inside an atomic unit).</summary>
    public static CardFileSystem Format(NonVolatileMemory nvm, bool openFileSystem)
    {
        var fs = new CardFileSystem(nvm);
        var mfCondition = openFileSystem ? AccessCondition.Always : AccessCondition.IsdSecureChannel;
        fs.Mf = new CardFile(fs.nextNodeId++, FileKind.Df, MfFid, null, 0, 0, new AccessRules(AccessCondition.Always, mfCondition, mfCondition, mfCondition), NvmHandle.None);
        fs.byNodeId[fs.Mf.NodeId] = fs.Mf;
        var storageRules = new AccessRules(AccessCondition.IsdSecureChannel, AccessCondition.IsdSecureChannel, AccessCondition.Never, openFileSystem ? AccessCondition.Always : AccessCondition.IsdSecureChannel);
        var storage = new CardFile(fs.nextNodeId++, FileKind.Df, CommandStorageFid, System.Text.Encoding.ASCII.GetBytes(CommandStorageName), 0, 0, storageRules, NvmHandle.None);
        fs.Mf.Attach(storage);
        fs.byNodeId[storage.NodeId] = storage;
        fs.Persist();
        return fs;
    }

    /// <summary>Rebuilds the tree from the directory block in NVM.</summary>
    public static CardFileSystem Load(NonVolatileMemory nvm)
    {
        var fs = new CardFileSystem(nvm);
        var block = nvm.GetRoot(RootSlot);
        if (block.IsNone)
        {
            throw new InvalidDataException("NVM holds no file system directory (root slot 1 is empty)");
        }

        var bytes = new byte[nvm.LengthOf(block)];
        nvm.Read(block, 0, bytes);
        fs.Decode(bytes);
        return fs;
    }

    public CardFile? FindNode(ushort nodeId) => byNodeId.GetValueOrDefault(nodeId);

    public IEnumerable<CardFile> AllFiles => Mf.Subtree();

    /// <summary>Finds a DF anywhere in the tree by its DF name (exact match).</summary>
    public CardFile? FindDfByName(ReadOnlySpan<byte> name)
    {
        foreach (var f in byNodeId.Values)
        {
            if (f.IsDf && f.DfName is not null && name.SequenceEqual(f.DfName))
            {
                return f;
            }
        }

        return null;
    }

    /// <summary>Creates a file under <paramref name="parent"/>; the caller has checked the access condition.</summary>
    public CardFile Create(CardFile parent, FileSpec spec)
    {
        if (!parent.IsDf)
        {
            throw new IsoException(StatusWords.CommandIncompatibleWithFileStructure, "files are created under a DF");
        }

        if (spec.Fid is MfFid or 0xFFFF or 0x3FFF)
        {
            throw new IsoException(StatusWords.IncorrectDataField, $"file identifier {spec.Fid:X4} is reserved");
        }

        if (parent.Child(spec.Fid) is not null || parent.Fid == spec.Fid)
        {
            throw new IsoException(StatusWords.FileAlreadyExists, $"{spec.Fid:X4} already exists in {parent.PathText}");
        }

        if (spec.DfName is not null && FindDfByName(spec.DfName) is not null)
        {
            throw new IsoException(StatusWords.DfNameAlreadyExists, "DF name already used on this card");
        }

        if (byNodeId.Count >= ushort.MaxValue - 1)
        {
            throw new IsoException(StatusWords.NotEnoughMemory, "file table is full");
        }

        var data = NvmHandle.None;
        if (spec.Kind == FileKind.TransparentEf && spec.Size > 0)
        {
            data = nvm.Allocate(spec.Size);
        }

        var file = new CardFile(AllocateNodeId(), spec.Kind, spec.Fid, spec.DfName, spec.Kind == FileKind.Df ? 0 : spec.Size, spec.Flags, spec.Rules, data);
        parent.Attach(file);
        byNodeId[file.NodeId] = file;
        Persist();
        return file;
    }

    /// <summary>Deletes a file and, for a DF, everything under it.</summary>
    public void Delete(CardFile file)
    {
        if (file.IsMf)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the MF cannot be deleted");
        }

        foreach (var f in file.Subtree().ToList())
        {
            if (!f.Data.IsNone)
            {
                nvm.Free(f.Data);
            }

            byNodeId.Remove(f.NodeId);
        }

        file.Parent!.Detach(file);
        Persist();
    }

    public void ReadContent(CardFile ef, int offset, Span<byte> destination)
    {
        if (!destination.IsEmpty)
        {
            nvm.Read(ef.Data, offset, destination);
        }
    }

    public void WriteContent(CardFile ef, int offset, ReadOnlySpan<byte> source)
    {
        if (!source.IsEmpty)
        {
            nvm.Write(ef.Data, offset, source);
        }
    }

    private ushort AllocateNodeId()
    {
        while (byNodeId.ContainsKey(nextNodeId) || nextNodeId == ushort.MaxValue)
        {
            nextNodeId = (ushort)(nextNodeId == ushort.MaxValue ? 0 : nextNodeId + 1);
        }

        return nextNodeId++;
    }

    private void Persist()
    {
        var files = Mf.Subtree().ToList();
        var length = 1 + 2 + 2 + files.Sum(f => NodeFixedLength + (f.DfName?.Length ?? 0));
        var bytes = new byte[length];
        bytes[0] = FormatVersion;
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(1), nextNodeId);
        BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(3), (ushort)files.Count);
        var i = 5;
        foreach (var f in files)
        {
            var s = bytes.AsSpan(i);
            BinaryPrimitives.WriteUInt16BigEndian(s, f.NodeId);
            BinaryPrimitives.WriteUInt16BigEndian(s[2..], f.Parent?.NodeId ?? f.NodeId);
            s[4] = (byte)f.Kind;
            BinaryPrimitives.WriteUInt16BigEndian(s[5..], f.Fid);
            var name = f.DfName ?? [];
            s[7] = (byte)name.Length;
            name.CopyTo(s[8..]);
            var t = s[(8 + name.Length)..];
            BinaryPrimitives.WriteInt32BigEndian(t, f.Size);
            t[4] = f.Flags;
            t[5] = f.Rules.Read.Value;
            t[6] = f.Rules.Update.Value;
            t[7] = f.Rules.Delete.Value;
            t[8] = f.Rules.Create.Value;
            BinaryPrimitives.WriteUInt32BigEndian(t[9..], f.Data.Value);
            i += NodeFixedLength + name.Length;
        }

        var block = nvm.GetRoot(RootSlot);
        if (!block.IsNone && nvm.LengthOf(block) == length)
        {
            nvm.Write(block, 0, bytes);
            return;
        }

        var fresh = nvm.Allocate(length);
        nvm.Write(fresh, 0, bytes);
        nvm.SetRoot(RootSlot, fresh);
        if (!block.IsNone)
        {
            nvm.Free(block);
        }
    }

    private void Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 5 || bytes[0] != FormatVersion)
        {
            throw new InvalidDataException("file system directory has an unknown format");
        }

        nextNodeId = BinaryPrimitives.ReadUInt16BigEndian(bytes[1..]);
        int count = BinaryPrimitives.ReadUInt16BigEndian(bytes[3..]);
        var parents = new List<(CardFile File, ushort Parent)>(count);
        var i = 5;
        for (var n = 0; n < count; n++)
        {
            var s = bytes[i..];
            var nodeId = BinaryPrimitives.ReadUInt16BigEndian(s);
            var parent = BinaryPrimitives.ReadUInt16BigEndian(s[2..]);
            var kind = (FileKind)s[4];
            var fid = BinaryPrimitives.ReadUInt16BigEndian(s[5..]);
            int nameLength = s[7];
            byte[]? name = nameLength == 0 ? null : s.Slice(8, nameLength).ToArray();
            var t = s[(8 + nameLength)..];
            var size = BinaryPrimitives.ReadInt32BigEndian(t);
            var rules = new AccessRules(new(t[5]), new(t[6]), new(t[7]), new(t[8]));
            var data = new NvmHandle(BinaryPrimitives.ReadUInt32BigEndian(t[9..]));
            var file = new CardFile(nodeId, kind, fid, name, size, t[4], rules, data);
            byNodeId[nodeId] = file;
            parents.Add((file, parent));
            i += NodeFixedLength + nameLength;
        }

        foreach (var (file, parent) in parents)
        {
            if (parent == file.NodeId)
            {
                Mf = file;
            }
            else
            {
                byNodeId[parent].Attach(file);
            }
        }

        if (Mf is null)
        {
            throw new InvalidDataException("file system directory has no MF");
        }
    }
}

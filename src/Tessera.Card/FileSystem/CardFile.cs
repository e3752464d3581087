using Tessera.Card.Storage;

namespace Tessera.Card.FileSystem;

/// <summary>
/// A file of the card's ISO 7816-4 file system: the MF, a DF or a transparent EF. The tree lives in RAM as a cache of
/// the directory block in NVM; it is rebuilt from NVM after any command that fails after changing it.
/// </summary>
public sealed class CardFile
{
    internal const byte DirectAccessFlag = 0x01;

    private readonly List<CardFile> children = [];

    internal CardFile(ushort nodeId, FileKind kind, ushort fid, byte[]? dfName, int size, byte flags, AccessRules rules, NvmHandle data)
    {
        NodeId = nodeId;
        Kind = kind;
        Fid = fid;
        DfName = dfName;
        Size = size;
        Flags = flags;
        Rules = rules;
        Data = data;
    }

    /// <summary>Stable internal identity of the node (survives reloads from NVM).</summary>
    public ushort NodeId { get; }

    public FileKind Kind { get; }

    public bool IsDf => Kind == FileKind.Df;

    public bool IsMf => Parent is null;

    /// <summary>File identifier (tag 83).</summary>
    public ushort Fid { get; }

    /// <summary>DF name (tag 84), or null.</summary>
    public byte[]? DfName { get; }

    /// <summary>EF size in bytes (tag 80); 0 for DFs.</summary>
    public int Size { get; }

    /// <summary>Proprietary flags (tag A5/C0); bit 0 = direct access through the memory interface allowed.</summary>
    public byte Flags { get; }

    public bool DirectAccess => (Flags & DirectAccessFlag) != 0;

    public AccessRules Rules { get; }

    /// <summary>The NVM block holding an EF's contents.</summary>
    public NvmHandle Data { get; }

    public CardFile? Parent { get; private set; }

    public IReadOnlyList<CardFile> Children => children;

    /// <summary>The DF this file belongs to: itself for a DF, its parent for an EF.</summary>
    public CardFile Df => IsDf ? this : Parent!;

    /// <summary>Path from the MF as FIDs, MF included.</summary>
    public IEnumerable<ushort> Path
    {
        get
        {
            var stack = new Stack<ushort>();
            for (var f = this; f is not null; f = f.Parent)
            {
                stack.Push(f.Fid);
            }

            return stack;
        }
    }

    public string PathText => string.Join('/', Path.Select(f => f.ToString("X4")));

    internal void Attach(CardFile child)
    {
        child.Parent = this;
        children.Add(child);
    }

    internal void Detach(CardFile child)
    {
        children.Remove(child);
        child.Parent = null;
    }

    public CardFile? Child(ushort fid) => children.Find(c => c.Fid == fid);

    public IEnumerable<CardFile> Subtree()
    {
        yield return this;
        foreach (var child in children)
        {
            foreach (var f in child.Subtree())
            {
                yield return f;
            }
        }
    }

    public override string ToString() => IsDf
        ? $"DF {PathText}{(DfName is null ? string.Empty : " " + Convert.ToHexString(DfName))}"
        : $"EF {PathText} ({Size} bytes)";
}

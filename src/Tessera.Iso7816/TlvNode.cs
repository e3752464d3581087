using System.Text;

namespace Tessera.Iso7816;

/// <summary>
/// An immutable BER-TLV tree: a primitive node has a value, a constructed node has children (and its
/// <see cref="Value"/> is their encoding). Parsing copies the input once, so later changes to it do not show.
/// </summary>
public sealed class TlvNode
{
    private static readonly IReadOnlyList<TlvNode> NoChildren = [];

    private TlvNode(BerTag tag, ReadOnlyMemory<byte> value, IReadOnlyList<TlvNode> children)
    {
        Tag = tag;
        Value = value;
        Children = children;
    }

    public BerTag Tag { get; }

    /// <summary>The value bytes (for a constructed node, the encoding of its children).</summary>
    public ReadOnlyMemory<byte> Value { get; }

    /// <summary>The nested nodes; empty for a primitive node.</summary>
    public IReadOnlyList<TlvNode> Children { get; }

    public bool IsConstructed => Tag.IsConstructed;

    /// <summary>A primitive node; <paramref name="tag"/> must be primitive. The value is copied.</summary>
    public static TlvNode Primitive(BerTag tag, ReadOnlySpan<byte> value)
    {
        BerTlv.ThrowIfDefault(tag);
        if (tag.IsConstructed)
        {
            throw new ArgumentException($"tag {tag} is constructed; use {nameof(Constructed)}", nameof(tag));
        }

        return new TlvNode(tag, value.ToArray(), NoChildren);
    }

    /// <summary>A constructed node; <paramref name="tag"/> must be constructed.</summary>
    public static TlvNode Constructed(BerTag tag, params IEnumerable<TlvNode> children)
    {
        BerTlv.ThrowIfDefault(tag);
        ArgumentNullException.ThrowIfNull(children);
        if (!tag.IsConstructed)
        {
            throw new ArgumentException($"tag {tag} is primitive; use {nameof(Primitive)}", nameof(tag));
        }

        var list = children.ToArray();
        var writer = new BerTlvWriter();
        foreach (var child in list)
        {
            ArgumentNullException.ThrowIfNull(child, nameof(children));
            writer.Write(child.Tag, child.Value.Span);
        }

        return new TlvNode(tag, writer.Encode(), list);
    }

    /// <summary>Parses exactly one data object (padding around it allowed if <paramref name="padding"/> says so).</summary>
    public static TlvNode Parse(ReadOnlySpan<byte> encoded, BerTlvPadding padding = BerTlvPadding.None)
    {
        var nodes = ParseAll(encoded, padding);
        return nodes.Count == 1
            ? nodes[0]
            : throw new TlvFormatException($"expected exactly one data object, found {nodes.Count}");
    }

    /// <summary>Parses a sequence of data objects, constructed ones recursively.</summary>
    public static IReadOnlyList<TlvNode> ParseAll(ReadOnlySpan<byte> encoded, BerTlvPadding padding = BerTlvPadding.None) =>
        ParseLevel(new BerTlvReader(encoded.ToArray(), padding), 0);

    /// <summary>The first node with <paramref name="tag"/>: this node, else its descendants depth-first.</summary>
    public TlvNode? Find(BerTag tag)
    {
        if (Tag == tag)
        {
            return this;
        }

        foreach (var child in Children)
        {
            var found = child.Find(tag);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    public byte[] Encode() => BerTlv.Encode(Tag, Value.Span);

    /// <summary>One line per node, children indented by two spaces: <c>6F</c>, <c>  84 A000000151000000</c>.</summary>
    public string ToPrettyString()
    {
        var builder = new StringBuilder();
        AppendPretty(builder, 0);
        return builder.ToString();
    }

    /// <summary>Pretty form of a sequence of nodes (see <see cref="ToPrettyString"/>).</summary>
    public static string ToPrettyString(IEnumerable<TlvNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var builder = new StringBuilder();
        foreach (var node in nodes)
        {
            node.AppendPretty(builder, 0);
        }

        return builder.ToString();
    }

    /// <summary>The encoding in hex.</summary>
    public override string ToString() => Convert.ToHexString(Encode());

    private const int MaxDepth = 64;

    private static TlvNode[] ParseLevel(BerTlvReader reader, int depth)
    {
        var nodes = new List<TlvNode>();
        while (reader.HasData)
        {
            if (!reader.PeekTag().IsConstructed)
            {
                var element = reader.ReadElement();
                nodes.Add(new TlvNode(element.Tag, element.Value, NoChildren));
                continue;
            }

            if (depth >= MaxDepth)
            {
                throw new TlvFormatException($"data objects nested deeper than {MaxDepth} levels", reader.Position);
            }

            var nested = reader.ReadConstructed(out var tag);
            var children = ParseLevel(nested, depth + 1);
            nodes.Add(new TlvNode(tag, nested.Data, children));
        }

        return [.. nodes];
    }

    private void AppendPretty(StringBuilder builder, int indent)
    {
        builder.Append(' ', indent * 2).Append(Tag.ToString());
        if (IsConstructed)
        {
            builder.Append('\n');
            foreach (var child in Children)
            {
                child.AppendPretty(builder, indent + 1);
            }
        }
        else
        {
            if (!Value.IsEmpty)
            {
                builder.Append(' ').Append(Convert.ToHexString(Value.Span));
            }

            builder.Append('\n');
        }
    }
}

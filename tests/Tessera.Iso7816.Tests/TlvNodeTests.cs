using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class TlvNodeTests
{
    [Fact]
    public void Parses_and_pretty_prints_a_published_GET_STATUS_entry()
    {
        // standards.md §2.5 (GPPRO TestParseTags): AID A0000001510000, life cycle 07, privileges 80, EA { 80 }.
        var bytes = H("E3144F07A00000015100009F700107C50180EA028000");
        var node = TlvNode.Parse(bytes);
        Assert.Equal(new BerTag(0xE3), node.Tag);
        Assert.True(node.IsConstructed);
        Assert.Equal(4, node.Children.Count);
        Assert.Equal(H("07"), node.Find(new BerTag(0x9F70))!.Value.ToArray());
        Assert.Equal(new BerTag(0x80), node.Find(new BerTag(0x80))!.Tag);
        Assert.Null(node.Find(new BerTag(0x84)));
        Assert.Equal(bytes, node.Encode());
        Assert.Equal(Convert.ToHexString(bytes), node.ToString());
        Assert.Equal(
            "E3\n  4F A0000001510000\n  9F70 07\n  C5 80\n  EA\n    80\n",
            node.ToPrettyString());
    }

    [Fact]
    public void Built_tree_encodes_like_the_writer()
    {
        var tree = TlvNode.Constructed(
            new BerTag(0x6F),
            TlvNode.Primitive(new BerTag(0x84), H("A000000003000000")),
            TlvNode.Constructed(new BerTag(0xA5), TlvNode.Primitive(new BerTag(0x9F65), H("FF"))));
        Assert.Equal(H("6F108408A000000003000000A5049F6501FF"), tree.Encode());
        Assert.Equal(H("8408A000000003000000A5049F6501FF"), tree.Value.ToArray());
        Assert.Throws<ArgumentException>(() => TlvNode.Primitive(new BerTag(0x6F), []));
        Assert.Throws<ArgumentException>(() => TlvNode.Constructed(new BerTag(0x84)));
    }

    [Fact]
    public void ParseAll_reads_a_sequence_and_Parse_wants_exactly_one()
    {
        var bytes = H("4F01AA 9F7F02BBCC 70 00");
        var nodes = TlvNode.ParseAll(bytes);
        Assert.Equal([new BerTag(0x4F), new BerTag(0x9F7F), new BerTag(0x70)], nodes.Select(n => n.Tag));
        Assert.Empty(nodes[2].Children);
        Assert.Equal("4F AA\n9F7F BBCC\n70\n", TlvNode.ToPrettyString(nodes));
        Assert.Throws<TlvFormatException>(() => TlvNode.Parse(bytes));
        Assert.Throws<TlvFormatException>(() => TlvNode.Parse([]));
        Assert.Empty(TlvNode.ParseAll([]));
    }

    [Fact]
    public void Parsed_tree_does_not_follow_later_changes_to_the_input()
    {
        var bytes = H("6F03 8401AA");
        var node = TlvNode.Parse(bytes);
        bytes[4] = 0xBB;
        Assert.Equal(H("AA"), node.Children[0].Value.ToArray());
    }

    [Fact]
    public void Errors_inside_constructed_values_have_outer_offsets()
    {
        var e = Assert.Throws<TlvFormatException>(() => TlvNode.Parse(H("6F05 A503 9F6505")));
        Assert.Equal(6, e.Offset);
    }

    [Fact]
    public void Padding_inside_constructed_values()
    {
        var node = TlvNode.Parse(H("00 6F06 00 8401AA 00 00 FF"), BerTlvPadding.Skip00AndFF);
        Assert.Single(node.Children);
        Assert.Throws<TlvFormatException>(() => TlvNode.Parse(H("6F04 008401AA")));
    }

    [Fact]
    public void Nesting_is_bounded()
    {
        var writer = new BerTlvWriter();
        var scopes = new List<BerTlvWriter.Scope>();
        for (var i = 0; i < 100; i++)
        {
            scopes.Add(writer.PushConstructed(new BerTag(0x30)));
        }

        scopes.Reverse();
        scopes.ForEach(s => s.Dispose());
        Assert.Throws<TlvFormatException>(() => TlvNode.Parse(writer.Encode()));
    }
}

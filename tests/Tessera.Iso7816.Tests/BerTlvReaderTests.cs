using static Tessera.Iso7816.Tests.TestBytes;

namespace Tessera.Iso7816.Tests;

public class BerTlvReaderTests
{
    // GPCS 2.3.1 GET STATUS entry for an ISD, as quoted in standards.md §2.5 (GPPRO TestParseTags).
    private const string GetStatusIsd =
        "E3464F08A0000000030000009F700101C5039EFE80CF0140CF0141CF0142CF0143CF0180CF0181CF0182CF0183C40BD276000005AAFFCAFE0001CE020001CC08A000000003000000";

    [Fact]
    public void Reads_a_published_GET_STATUS_entry()
    {
        var reader = new BerTlvReader(H(GetStatusIsd));
        var entry = reader.ReadConstructed(new BerTag(0xE3));
        Assert.False(reader.HasData);

        Assert.Equal(H("A000000003000000"), entry.ReadValue(new BerTag(0x4F)).ToArray());
        Assert.Equal(H("01"), entry.ReadValue(new BerTag(0x9F70)).ToArray());
        Assert.Equal(H("9EFE80"), entry.ReadValue(new BerTag(0xC5)).ToArray());
        var implicitSelection = new List<byte>();
        while (entry.TryReadValue(new BerTag(0xCF), out var cf))
        {
            implicitSelection.Add(cf.Span[0]);
        }

        Assert.Equal(H("40 41 42 43 80 81 82 83"), implicitSelection.ToArray());
        Assert.Equal(H("D276000005AAFFCAFE0001"), entry.ReadValue(new BerTag(0xC4)).ToArray());
        Assert.Equal(H("0001"), entry.ReadValue(new BerTag(0xCE)).ToArray());
        Assert.Equal(H("A000000003000000"), entry.ReadValue(new BerTag(0xCC)).ToArray());
        entry.ThrowIfNotEmpty();
    }

    [Fact]
    public void TryFind_does_not_move_the_reader()
    {
        var reader = new BerTlvReader(H("E3144F07A00000015100009F700107C50180EA028000")).ReadConstructed(out var tag);
        Assert.Equal(new BerTag(0xE3), tag);
        Assert.True(reader.TryFind(new BerTag(0xC5), out var privileges));
        Assert.Equal(H("80"), privileges.ToArray());
        Assert.False(reader.TryFind(new BerTag(0x80), out _)); // nested in EA, not at this level
        Assert.Equal(0, reader.Position);
        Assert.Equal(new BerTag(0x4F), reader.PeekTag());

        var element = reader.ReadElement();
        Assert.Equal(H("4F07A0000001510000"), element.Encoded.ToArray());
        Assert.Equal(H("A0000001510000"), element.Value.ToArray());
        Assert.False(element.IsConstructed);
        Assert.False(reader.TryFind(new BerTag(0x4F), out _));
        Assert.True(reader.TryFind(new BerTag(0x9F70), out var lifeCycle));
        Assert.Equal(H("07"), lifeCycle.ToArray());
    }

    [Fact]
    public void Three_levels_of_nesting()
    {
        // FF50 { 61 { 83 7F51, 80 0400, C0 01, A5 { C1 30 } } } : the Tessera file management table shape (SPEC §4.1)
        var bytes = H("FF50 12 61 10 83027F51 80020400 C00101 A503 C10130");
        var outer = new BerTlvReader(bytes);
        var table = outer.ReadConstructed(new BerTag(0xFF50));
        var entry = table.ReadConstructed(new BerTag(0x61));
        Assert.Equal(H("7F51"), entry.ReadValue(new BerTag(0x83)).ToArray());
        Assert.Equal(H("0400"), entry.ReadValue(new BerTag(0x80)).ToArray());
        Assert.Equal(H("01"), entry.ReadValue(new BerTag(0xC0)).ToArray());
        var proprietary = entry.ReadConstructed(new BerTag(0xA5));
        Assert.Equal(H("30"), proprietary.ReadValue(new BerTag(0xC1)).ToArray());
        Assert.False(proprietary.HasData);
        Assert.False(entry.HasData);
        Assert.False(table.HasData);
        Assert.False(outer.HasData);
    }

    [Fact]
    public void Errors_carry_the_offset_in_the_outermost_input_and_leave_the_reader_in_place()
    {
        // Outer 6F holds 84 whose length 05 runs past the 6F value: the length byte is at offset 3.
        var reader = new BerTlvReader(H("6F04 8405 A000"));
        var nested = reader.ReadConstructed(out _);
        var e = Assert.Throws<TlvFormatException>(() => nested.ReadElement());
        Assert.Equal(3, e.Offset);
        Assert.Contains("past the end", e.Message);
        Assert.Equal(0, nested.Position);

        var wrongTag = new BerTlvReader(H("4F01AA"));
        var wrong = Assert.Throws<TlvFormatException>(() => wrongTag.ReadValue(new BerTag(0x84)));
        Assert.Contains("expected tag 84, found 4F", wrong.Message);
        Assert.Equal(0, wrongTag.Position);
        Assert.Throws<TlvFormatException>(() => wrongTag.ReadConstructed(out _)); // 4F is primitive
        Assert.Equal(H("AA"), wrongTag.ReadValue(new BerTag(0x4F)).ToArray());
        Assert.Throws<TlvFormatException>(() => wrongTag.ReadElement()); // nothing left
    }

    [Fact]
    public void ThrowIfNotEmpty_reports_leftovers()
    {
        var reader = new BerTlvReader(H("4F01AA 9000"));
        reader.ReadElement();
        var e = Assert.Throws<TlvFormatException>(reader.ThrowIfNotEmpty);
        Assert.Equal(3, e.Offset);
    }

    [Fact]
    public void Padding_00_and_FF_is_skipped_when_asked()
    {
        var bytes = H("00 00 4F01AA 00 FF 9F7F01BB FF 00");
        var reader = new BerTlvReader(bytes, BerTlvPadding.Skip00AndFF);
        Assert.Equal(new BerTag(0x4F), reader.PeekTag());
        Assert.Equal(H("AA"), reader.ReadValue(new BerTag(0x4F)).ToArray());
        Assert.True(reader.TryFind(new BerTag(0x9F7F), out var found));
        Assert.Equal(H("BB"), found.ToArray());
        Assert.Equal(H("BB"), reader.ReadValue(new BerTag(0x9F7F)).ToArray());
        Assert.False(reader.HasData);
        reader.ThrowIfNotEmpty();

        Assert.Throws<TlvFormatException>(() => new BerTlvReader(bytes).ReadElement());
    }

    [Fact]
    public void Padding_00_only_keeps_tags_that_start_with_FF()
    {
        var bytes = H("00 4F01AA 00 00 FF50 05 6103 830101 00");
        var reader = new BerTlvReader(bytes, BerTlvPadding.Skip00);
        Assert.Equal(H("AA"), reader.ReadValue(new BerTag(0x4F)).ToArray());
        var table = reader.ReadConstructed(new BerTag(0xFF50));
        Assert.Equal(BerTlvPadding.Skip00, table.Padding);
        var entry = table.ReadConstructed(new BerTag(0x61));
        Assert.Equal(H("01"), entry.ReadValue(new BerTag(0x83)).ToArray());
        Assert.False(reader.HasData);
    }

    [Fact]
    public void Empty_input_has_no_data()
    {
        var reader = new BerTlvReader(ReadOnlyMemory<byte>.Empty);
        Assert.False(reader.HasData);
        Assert.False(reader.TryFind(new BerTag(0x4F), out _));
        Assert.False(reader.TryReadValue(new BerTag(0x4F), out _));
        Assert.False(new BerTlvReader(H("0000FF"), BerTlvPadding.Skip00AndFF).HasData);
    }
}

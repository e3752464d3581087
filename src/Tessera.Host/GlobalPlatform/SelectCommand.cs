using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>SELECT by DF name (GPCS 2.3.1 §11.9): <c>00 A4 04 00 Lc AID 00</c>; the FCI comes back as <c>6F</c>.</summary>
public static class SelectCommand
{
    public const byte Ins = 0xA4;

    public static CommandApdu Build(Aid aid, bool next = false) =>
        new(0x00, Ins, 0x04, next ? (byte)0x02 : (byte)0x00, aid.ToArray(), ne: 256);

    /// <summary>The AID in the FCI (<c>6F { 84 AID … }</c>), or null when the answer has none.</summary>
    public static Aid? ParseFciAid(ReadOnlySpan<byte> fci)
    {
        if (fci.IsEmpty)
        {
            return null;
        }

        var node = TlvNode.Parse(fci).Find(new BerTag(0x84));
        return node is not null && Aid.TryCreate(node.Value.Span, out var aid) ? aid : null;
    }
}

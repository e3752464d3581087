using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// Card Data (GET DATA <c>66</c>, GPCS 2.3.1 §H.2): <c>66 { 73 { 06 GP-OID, 60 { 06 version }, 64 { 06 scp i } … } }</c>.
/// The OIDs are kept raw; the GP version and the secure channel protocols are decoded.
/// </summary>
public sealed record CardRecognitionData(string? GpVersion, IReadOnlyList<(byte Scp, byte I)> SecureChannelProtocols, IReadOnlyList<TlvNode> Elements)
{
    private static readonly byte[] GpOid = [0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B];

    public static CardRecognitionData Parse(ReadOnlyMemory<byte> response)
    {
        var value = GetDataCommand.ValueOf(GetDataCommand.CardData, response);
        var template = TlvNode.Parse(value.Span);
        if (template.Tag.Value != 0x73)
        {
            throw new FormatException($"card data holds {template.Tag}, not the card recognition template 73");
        }

        string? version = null;
        var protocols = new List<(byte, byte)>();
        foreach (var element in template.Children)
        {
            var oid = element.IsConstructed ? element.Find(new BerTag(0x06))?.Value.ToArray() : null;
            if (oid is null || oid.Length < GpOid.Length + 1 || !oid.AsSpan().StartsWith(GpOid))
            {
                continue;
            }

            var rest = oid.AsSpan(GpOid.Length + 1);
            switch (element.Tag.Value)
            {
                case 0x60:
                    version = string.Join('.', rest.ToArray());
                    break;
                case 0x64 when rest.Length >= 2:
                    protocols.Add((rest[0], rest[1]));
                    break;
            }
        }

        return new CardRecognitionData(version, protocols, template.Children);
    }
}

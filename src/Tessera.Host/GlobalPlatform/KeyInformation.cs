using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>One key of the Key Information Template (GPCS 2.3.1 Table 11-28): id, KVN and its components.</summary>
public sealed record KeyInformation(byte KeyId, byte KeyVersion, IReadOnlyList<KeyComponentInfo> Components)
{
    /// <summary>Parses <c>E0 { C0 { id kvn (type length)… } … }</c> (or its value) into one entry per key.</summary>
    public static IReadOnlyList<KeyInformation> ParseTemplate(ReadOnlyMemory<byte> response)
    {
        var value = GetDataCommand.ValueOf(GetDataCommand.KeyInformation, response);
        var keys = new List<KeyInformation>();
        foreach (var node in TlvNode.ParseAll(value.Span))
        {
            if (node.Tag.Value != 0xC0)
            {
                continue;
            }

            var v = node.Value.Span;
            if (v.Length < 2 || v.Length % 2 != 0)
            {
                throw new FormatException($"key information C0 {Convert.ToHexString(v)} is not id, KVN and (type, length) pairs");
            }

            var components = new List<KeyComponentInfo>();
            for (var i = 2; i < v.Length; i += 2)
            {
                components.Add(new KeyComponentInfo(v[i], v[i + 1]));
            }

            keys.Add(new KeyInformation(v[0], v[1], components));
        }

        return keys;
    }
}

/// <summary>A key component: type (<c>88</c> AES, <c>80</c> DES…) and length in bytes.</summary>
public sealed record KeyComponentInfo(byte Type, byte Length);

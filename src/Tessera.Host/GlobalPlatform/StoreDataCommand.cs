using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>Structure of STORE DATA data (P1 b5-b4, GPCS 2.3.1 Table 11-89).</summary>
public enum StoreDataFormat : byte
{
    None = 0x00,
    Dgi = 0x08,
    BerTlv = 0x10,
}

/// <summary>
/// STORE DATA (GPCS 2.3.1 §11.11): <c>80 E2 P1 block Lc data</c>. P1: b8 last block, b7-b6 <c>11</c> all values
/// encrypted, b5-b4 format (<c>01</c> DGI), b1 response expected (case 4, Le <c>00</c>). Block numbers count from
/// <c>00</c>.
/// </summary>
public static class StoreDataCommand
{
    public const byte Ins = 0xE2;

    public static byte P1(bool last, StoreDataFormat format, bool encrypted = false, bool expectResponse = false) =>
        (byte)((last ? 0x80 : 0) | (encrypted ? 0x60 : 0) | (byte)format | (expectResponse ? 0x01 : 0));

    public static CommandApdu Build(int blockNumber, bool last, StoreDataFormat format, ReadOnlyMemory<byte> data, bool encrypted = false, bool expectResponse = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockNumber);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockNumber, 0xFF);
        return new CommandApdu(0x80, Ins, P1(last, format, encrypted, expectResponse), (byte)blockNumber, data, ne: expectResponse ? 256 : 0);
    }

    /// <summary>
    /// STORE DATA commands for a sequence of DGIs: one DGI per command when it fits in <paramref name="maxBlockSize"/>
    /// bytes, a longer one cut across consecutive commands (its length field announces the whole value, §11.11.2);
    /// P1 <c>08</c>, the last command <c>88</c>; block numbers from <paramref name="firstBlock"/>.
    /// </summary>
    public static IReadOnlyList<CommandApdu> ForDgis(IEnumerable<(ushort Dgi, byte[] Value)> dgis, int maxBlockSize = 239, int firstBlock = 0)
    {
        ArgumentNullException.ThrowIfNull(dgis);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockSize, 8);
        var chunks = new List<byte[]>();
        foreach (var (dgi, value) in dgis)
        {
            var encoded = Dgi.Encode(dgi, value);
            for (var offset = 0; offset < encoded.Length; offset += maxBlockSize)
            {
                chunks.Add(encoded.AsSpan(offset, Math.Min(maxBlockSize, encoded.Length - offset)).ToArray());
            }
        }

        if (chunks.Count == 0)
        {
            throw new ArgumentException("no DGI to store", nameof(dgis));
        }

        if (firstBlock + chunks.Count > 256)
        {
            throw new ArgumentException($"{chunks.Count} STORE DATA blocks from {firstBlock} do not fit block numbers 00-FF", nameof(dgis));
        }

        return chunks.Select((chunk, i) => Build(firstBlock + i, i == chunks.Count - 1, StoreDataFormat.Dgi, chunk)).ToList();
    }
}

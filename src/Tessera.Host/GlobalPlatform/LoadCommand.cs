using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// LOAD (GPCS 2.3.1 §11.6): <c>80 E8 P1 block Lc data 00</c>, P1 <c>00</c> more blocks / <c>80</c> last block, block
/// numbers from <c>00</c> up by one. The Load File (<c>C4 len Load-File-Data-Block</c>, SPEC §3: the raw assembly)
/// is cut into consecutive blocks. Past 256 blocks the number wraps from <c>FF</c> to <c>00</c>, as
/// GlobalPlatformPro does.
/// </summary>
public static class LoadCommand
{
    public const byte Ins = 0xE8;

    /// <summary>The Load File of a Tessera load file: <c>C4 len assembly</c> (GP/BER length: 1, 2 or 3 bytes up to 65535, 4 above).</summary>
    public static byte[] LoadFile(ReadOnlySpan<byte> assembly) => BerTlv.Encode(new BerTag(0xC4), assembly);

    /// <summary>
    /// The largest block that still fits a short APDU (<paramref name="maxDataField"/> bytes of data) after secure
    /// messaging at <paramref name="level"/>: 255 without SM, 247 with C-MAC, 239 with C-MAC + C-DECRYPTION.
    /// </summary>
    public static int MaxBlockSize(Scp03SecurityLevel level, int maxDataField = CommandApdu.MaxShortNc)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDataField, 24);
        var size = maxDataField;
        while (Scp03Wrapper.WrappedDataLength(size, level) > maxDataField)
        {
            size--;
        }

        return size;
    }

    /// <summary>One LOAD command.</summary>
    public static CommandApdu Block(int blockNumber, bool last, ReadOnlyMemory<byte> data) =>
        new(0x80, Ins, last ? (byte)0x80 : (byte)0x00, (byte)blockNumber, data, ne: 256);

    /// <summary>Cuts <paramref name="loadFile"/> (already <c>C4</c>-wrapped) into LOAD commands of at most <paramref name="blockSize"/> bytes.</summary>
    public static IReadOnlyList<CommandApdu> Blocks(ReadOnlyMemory<byte> loadFile, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, CommandApdu.MaxExtendedNc);
        if (loadFile.IsEmpty)
        {
            throw new ArgumentException("the load file is empty", nameof(loadFile));
        }

        var count = (loadFile.Length + blockSize - 1) / blockSize;
        var commands = new List<CommandApdu>(count);
        for (var i = 0; i < count; i++)
        {
            var offset = i * blockSize;
            commands.Add(Block(i, i == count - 1, loadFile.Slice(offset, Math.Min(blockSize, loadFile.Length - offset))));
        }

        return commands;
    }

    /// <summary>
    /// Re-cuts a sequence of LOAD commands (for example extended-length blocks prepared for self-issuance) into
    /// blocks of at most <paramref name="blockSize"/> bytes, numbered again from <c>00</c>.
    /// </summary>
    public static IReadOnlyList<CommandApdu> Resplit(IEnumerable<CommandApdu> loads, int blockSize)
    {
        var data = new List<byte>();
        foreach (var load in loads)
        {
            if (load.Ins != Ins)
            {
                throw new ArgumentException($"{load} is not a LOAD command", nameof(loads));
            }

            data.AddRange(load.Data.Span);
        }

        return Blocks(data.ToArray(), blockSize);
    }
}

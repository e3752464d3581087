using System.Buffers.Binary;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// GET DATA (GPCS 2.3.1 §11.3): <c>80 CA tag-hi tag-lo 00</c>. With the GP class the card answers the whole data
/// object (tag, length, value); <see cref="ValueOf"/> takes the value out of either form.
/// </summary>
public static class GetDataCommand
{
    public const byte Ins = 0xCA;

    /// <summary>Issuer Identification Number.</summary>
    public const ushort Iin = 0x0042;

    /// <summary>Card Image Number.</summary>
    public const ushort Cin = 0x0045;

    /// <summary>Card Data (card recognition data, <c>66 { 73 … }</c>).</summary>
    public const ushort CardData = 0x0066;

    /// <summary>Key Information Template <c>E0</c>.</summary>
    public const ushort KeyInformation = 0x00E0;

    /// <summary>Card Production Life Cycle data.</summary>
    public const ushort Cplc = 0x9F7F;

    /// <summary>Tessera: physical NVM writes since power-on (SPEC §7), <c>DF52 04 u32</c>.</summary>
    public const ushort NvmWriteCount = 0xDF52;

    /// <summary>Tessera: the card's issuance public key (SPEC §4.9), 65-byte uncompressed P-256 point.</summary>
    public const ushort IssuancePublicKey = 0xDF51;

    public static CommandApdu Build(ushort tag, bool gpClass = true) =>
        new(gpClass ? (byte)0x80 : (byte)0x00, Ins, (byte)(tag >> 8), (byte)tag, ne: 256);

    /// <summary>
    /// The value of data object <paramref name="tag"/> in a GET DATA answer: if the answer is exactly that data
    /// object the value is returned, otherwise the answer is taken to be the bare value (ISO class answers).
    /// </summary>
    public static ReadOnlyMemory<byte> ValueOf(ushort tag, ReadOnlyMemory<byte> response)
    {
        var span = response.Span;
        if (BerTlv.TryReadElement(span, out var found, out var value, out var consumed) && found.Value == tag && consumed == span.Length)
        {
            return response[(consumed - value.Length)..];
        }

        return response;
    }

    /// <summary>The NVM write counter of a <c>DF52</c> answer (SPEC §7).</summary>
    public static uint ParseNvmWriteCount(ReadOnlyMemory<byte> response)
    {
        var value = ValueOf(NvmWriteCount, response).Span;
        return value.Length == 4
            ? BinaryPrimitives.ReadUInt32BigEndian(value)
            : throw new FormatException($"DF52 carries {value.Length} bytes, not a 4-byte counter");
    }
}

using System.Buffers.Binary;
using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>
/// Card Production Life Cycle data (GET DATA <c>9F7F</c>): 42 bytes in the layout GlobalPlatformPro's
/// <c>CPLC.java</c> reads (standards.md §2.9). Dates are <c>YDDD</c> BCD, kept as the raw 2 bytes.
/// </summary>
public sealed record Cplc(
    ushort IcFabricator,
    ushort IcType,
    ushort OperatingSystemId,
    ushort OperatingSystemReleaseDate,
    ushort OperatingSystemReleaseLevel,
    ushort IcFabricationDate,
    uint IcSerialNumber,
    ushort IcBatchIdentifier,
    ushort IcModuleFabricator,
    ushort IcModulePackagingDate,
    ushort IccManufacturer,
    ushort IcEmbeddingDate,
    ushort IcPrePersonalizer,
    ushort IcPrePersonalizationEquipmentDate,
    uint IcPrePersonalizationEquipmentId,
    ushort IcPersonalizer,
    ushort IcPersonalizationDate,
    uint IcPersonalizationEquipmentId)
{
    public const int Length = 42;

    /// <summary>Parses <c>9F7F 2A</c> + 42 bytes, or the 42 bytes alone.</summary>
    public static Cplc Parse(ReadOnlyMemory<byte> response)
    {
        var v = GetDataCommand.ValueOf(GetDataCommand.Cplc, response).ToArray();
        if (v.Length != Length)
        {
            throw new FormatException($"CPLC is {Length} bytes, the card answered {v.Length}");
        }

        ushort U16(int offset) => BinaryPrimitives.ReadUInt16BigEndian(v.AsSpan(offset));
        uint U32(int offset) => BinaryPrimitives.ReadUInt32BigEndian(v.AsSpan(offset));
        return new Cplc(U16(0), U16(2), U16(4), U16(6), U16(8), U16(10), U32(12), U16(16), U16(18), U16(20), U16(22), U16(24), U16(26), U16(28), U32(30), U16(34), U16(36), U32(38));
    }

    /// <summary>The 42 value bytes.</summary>
    public byte[] ToBytes()
    {
        var b = new byte[Length];
        void U16(int offset, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset), value);
        void U32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(offset), value);
        U16(0, IcFabricator);
        U16(2, IcType);
        U16(4, OperatingSystemId);
        U16(6, OperatingSystemReleaseDate);
        U16(8, OperatingSystemReleaseLevel);
        U16(10, IcFabricationDate);
        U32(12, IcSerialNumber);
        U16(16, IcBatchIdentifier);
        U16(18, IcModuleFabricator);
        U16(20, IcModulePackagingDate);
        U16(22, IccManufacturer);
        U16(24, IcEmbeddingDate);
        U16(26, IcPrePersonalizer);
        U16(28, IcPrePersonalizationEquipmentDate);
        U32(30, IcPrePersonalizationEquipmentId);
        U16(34, IcPersonalizer);
        U16(36, IcPersonalizationDate);
        U32(38, IcPersonalizationEquipmentId);
        return b;
    }

    /// <summary>The IC serial number as 8 hex digits.</summary>
    public string IcSerialNumberHex => IcSerialNumber.ToString("X8", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The whole data object <c>9F7F 2A …</c>.</summary>
    public byte[] Encode() => BerTlv.Encode(new BerTag(GetDataCommand.Cplc), ToBytes());
}

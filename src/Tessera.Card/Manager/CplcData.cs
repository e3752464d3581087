namespace Tessera.Card.Manager;

/// <summary>
/// Card Production Life Cycle data (tag 9F7F, 42 bytes, the layout GPPro and Visa GP cards use). Tessera puts the
/// 8-byte serial number in bytes 13–20 (IC serial number, IC batch identifier and IC module fabricator fields).
/// </summary>
internal static class CplcData
{
    public const int Length = 42;
    public const int SerialOffset = 12;

    public static byte[] Build(ReadOnlySpan<byte> serialNumber)
    {
        var cplc = new byte[Length];
        cplc[0] = 0x54; // IC fabricator 'TS'
        cplc[1] = 0x53;
        cplc[2] = 0x00; // IC type
        cplc[3] = 0x01;
        cplc[4] = 0x54; // operating system identifier 'TE'
        cplc[5] = 0x45;
        cplc[6] = 0x60; // operating system release date 2026, day 001 (YDDD)
        cplc[7] = 0x01;
        cplc[8] = 0x01; // operating system release level 1.0
        cplc[9] = 0x00;
        serialNumber.CopyTo(cplc.AsSpan(SerialOffset));
        return cplc;
    }
}

using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>Card recognition data (GPCS 2.3.1 §H.2): the value of tag 66 and the SD management data of SELECT.</summary>
internal static class CardRecognitionData
{
    private static readonly byte[] GpOid = [0x2A, 0x86, 0x48, 0x86, 0xFC, 0x6B];

    /// <summary><c>73 { 06 gp-oid 01, 60 { 06 gp 2 2.3.1 }, 63 { 06 gp 3 }, 64 { 06 gp 4 03 i } }</c>.</summary>
    public static byte[] RecognitionTemplate(byte scpI)
    {
        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0x73)))
        {
            w.Write(new BerTag(0x06), [.. GpOid, 0x01]);
            using (w.PushConstructed(new BerTag(0x60)))
            {
                w.Write(new BerTag(0x06), [.. GpOid, 0x02, 0x02, 0x03, 0x01]);
            }

            using (w.PushConstructed(new BerTag(0x63)))
            {
                w.Write(new BerTag(0x06), [.. GpOid, 0x03]);
            }

            using (w.PushConstructed(new BerTag(0x64)))
            {
                w.Write(new BerTag(0x06), [.. GpOid, 0x04, 0x03, scpI]);
            }
        }

        return w.ToArray();
    }

    /// <summary>The default value of tag 66 (the recognition template alone).</summary>
    public static byte[] DefaultCardData(byte scpI) => RecognitionTemplate(scpI);
}

namespace Tessera.Card.Tests.Runtime;

/// <summary>A test applet compiled at run time: each INS exercises one runtime rule.</summary>
internal static class ProbeApplet
{
    public const string Module = "F054455353FE01";
    public const string Instance = "F054455353FE0101";

    /// <summary>
    /// INS 10 write key 1 := data; 12 read key P2; 14 write key 1 then throw InvalidOperationException; 16 write key 1
    /// then throw IsoException 6A88; 18 write key 2 := data, open a transaction, write key 1 := data, return;
    /// 1A transient counters (reset, deselect) ++ and answered; 1C nested BeginTransaction; 1E write keys 100..100+P2.
    /// Install stores its parameters under key 9.
    /// </summary>
    public static readonly Lazy<byte[]> LoadFile = new(() => TestLoadFile.Compile("""
        [assembly: TesseraPackage("F054455353FE")]
        [TesseraApplet("F054455353FE01")]
        public sealed class Probe : Applet
        {
            public override void Install(System.ReadOnlyMemory<byte> parameters) => Store.Write(9, parameters.Span);

            public override void Process(AppletApdu apdu)
            {
                var data = apdu.Data.Span;
                switch (apdu.Ins)
                {
                    case 0x10: Store.Write(1, data); break;
                    case 0x12: apdu.Send(Store.Read((ushort)apdu.P2) ?? new byte[0]); break;
                    case 0x14: Store.Write(1, data); throw new System.InvalidOperationException("probe failure");
                    case 0x16: Store.Write(1, data); throw IsoException.Of(0x6A88);
                    case 0x18: Store.Write(2, data); Store.BeginTransaction(); Store.Write(1, data); break;
                    case 0x1A:
                        var r = Transient.ClearOnReset("r", 1); var d = Transient.ClearOnDeselect("d", 1);
                        r[0]++; d[0]++; apdu.Send(new byte[] { r[0], d[0] }); break;
                    case 0x1C: Store.BeginTransaction(); Store.BeginTransaction(); break;
                    case 0x1E: for (ushort k = 0; k < apdu.P2; k++) Store.Write((ushort)(100 + k), new byte[] { (byte)k, (byte)(k * 3) }); break;
                    default: throw IsoException.Of(0x6D00);
                }
            }
        }
        """, "ProbeLoadFile"));
}

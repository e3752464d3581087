using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>DELETE (GPCS 2.3.1 §11.2): <c>80 E4 00 P2 Lc 4F len AID 00</c>, P2 <c>00</c> object, <c>80</c> object and related objects.</summary>
public static class DeleteCommand
{
    public const byte Ins = 0xE4;

    public static CommandApdu Build(Aid aid, bool withRelatedObjects = false) =>
        new(0x80, Ins, 0x00, withRelatedObjects ? (byte)0x80 : (byte)0x00, BerTlv.Encode(new BerTag(0x4F), aid.Span), ne: 256);

    /// <summary>Deletes a key (Table 11-24): <c>D0 01 key-id</c> (optional) and <c>D2 01 KVN</c>.</summary>
    public static CommandApdu Key(byte keyVersion, byte? keyId = null)
    {
        var w = new BerTlvWriter();
        if (keyId is { } id)
        {
            w.Write(new BerTag(0xD0), [id]);
        }

        w.Write(new BerTag(0xD2), [keyVersion]);
        return new CommandApdu(0x80, Ins, 0x00, 0x00, w.Encode(), ne: 256);
    }
}

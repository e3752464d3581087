using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>GET STATUS P1 (GPCS 2.3.1 Table 11-33).</summary>
public enum GetStatusScope : byte
{
    IssuerSecurityDomain = 0x80,
    Applications = 0x40,
    LoadFiles = 0x20,
    LoadFilesAndModules = 0x10,
}

/// <summary>
/// GET STATUS (GPCS 2.3.1 §11.4): <c>80 F2 P1 P2 Lc 4F len AID [5C tag list] 00</c>, P2 <c>02</c> first /
/// <c>03</c> next (tag format). The card answers <c>6310</c> while more entries remain; ask again with next.
/// </summary>
public static class GetStatusCommand
{
    public const byte Ins = 0xF2;

    /// <summary>Status word meaning "more data available, send GET STATUS [next]".</summary>
    public const ushort MoreData = 0x6310;

    /// <param name="aidPrefix">search criterion (default: match all, <c>4F 00</c>).</param>
    /// <param name="tagList">optional <c>5C</c> tag list, e.g. <c>4F 9F70 C5</c>.</param>
    public static CommandApdu Build(GetStatusScope scope, bool next = false, ReadOnlySpan<byte> aidPrefix = default, ReadOnlySpan<byte> tagList = default)
    {
        var w = new BerTlvWriter();
        w.Write(new BerTag(0x4F), aidPrefix);
        if (!tagList.IsEmpty)
        {
            w.Write(new BerTag(0x5C), tagList);
        }

        return new CommandApdu(0x80, Ins, (byte)scope, next ? (byte)0x03 : (byte)0x02, w.Encode(), ne: 256);
    }
}

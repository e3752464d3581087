using Tessera.Applets.Common;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Applets.Ticket;

/// <summary>
/// An event ticket: issuer-written fields (event, seat, holder, validity), readable by the owner; the seat can be
/// changed later by the issuer (MAC-authorised, see <see cref="IssuerMac"/>); the ticket is punched once at entry.
/// Commands and DGIs: docs/PROTOCOL.md, "Built-in applets".
/// </summary>
[TesseraApplet(BuiltInAids.Ticket)]
public sealed class TicketApplet : PersonalisedApplet
{
    public const byte InsReadTicket = 0x60;
    public const byte InsUpdateSeat = 0x62;
    public const byte InsPunch = 0x64;

    private const byte Valid = 0x00;
    private const byte Used = 0x01;

    protected override void ProcessPersonalised(AppletApdu apdu)
    {
        switch (apdu.Ins)
        {
            case InsReadTicket:
                AppletCommands.RequireNoData(apdu);
                apdu.Send(ReadTicket());
                break;
            case InsUpdateSeat:
                UpdateSeat(apdu);
                break;
            case InsPunch:
                AppletCommands.RequireNoData(apdu);
                if (Store.Read(TicketKeys.Status) is [Used])
                {
                    throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the ticket was already used");
                }

                Store.Write(TicketKeys.Status, [Used]);
                break;
            default:
                throw AppletCommands.Unknown(apdu);
        }
    }

    private byte[] ReadTicket()
    {
        var writer = new BerTlvWriter();
        writer.Write(new BerTag(0xC1), Store.Read(TicketKeys.Event));
        writer.Write(new BerTag(0xC2), Store.Read(TicketKeys.Seat));
        writer.Write(new BerTag(0xC3), Store.Read(TicketKeys.Holder) ?? []);
        writer.Write(new BerTag(0xC4), Store.Read(TicketKeys.ValidUntil) ?? []);
        writer.Write(new BerTag(0xC5), Store.Read(TicketKeys.Status));
        writer.Write(new BerTag(0xC6), Store.Read(TicketKeys.UpdateCounter));
        return writer.Encode();
    }

    private void UpdateSeat(AppletApdu apdu)
    {
        apdu.RequireP1P2(0x0000);
        var data = apdu.Data.Span;
        if (data.Length is < 1 + IssuerMac.Length or > TicketKeys.MaxSeat + IssuerMac.Length)
        {
            throw new IsoException(StatusWords.WrongLength, "UPDATE SEAT takes a 1..16-byte seat and an 8-byte MAC");
        }

        var seat = data[..^IssuerMac.Length];
        var counter = Store.ReadUInt32(TicketKeys.UpdateCounter);
        IssuerMac.Verify(Store.Read(TicketKeys.IssuerKey) ?? [], InstanceAid, InsUpdateSeat, seat, counter, data[^IssuerMac.Length..]);
        if (Store.Read(TicketKeys.Status) is [Used])
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the ticket was already used");
        }

        Store.Write(TicketKeys.Seat, seat);
        Store.WriteUInt32(TicketKeys.UpdateCounter, counter + 1);
    }

    protected override void StoreData(AppletApdu apdu)
    {
        var last = Personalisation.ReadBlock(apdu, Store, (dgi, value) =>
        {
            var (key, min, max) = dgi switch
            {
                TicketKeys.DgiEvent => (TicketKeys.Event, 1, TicketKeys.MaxEvent),
                TicketKeys.DgiSeat => (TicketKeys.Seat, 1, TicketKeys.MaxSeat),
                TicketKeys.DgiHolder => (TicketKeys.Holder, 0, TicketKeys.MaxHolder),
                TicketKeys.DgiValidUntil => (TicketKeys.ValidUntil, 4, 4),
                TicketKeys.DgiIssuerKey => (TicketKeys.IssuerKey, 16, 32),
                _ => throw Personalisation.BadDgi(dgi, "unknown to the ticket"),
            };
            if (value.Length < min || value.Length > max || (dgi == TicketKeys.DgiIssuerKey && !IssuerMac.IsAesKey(value)))
            {
                throw Personalisation.BadDgi(dgi, $"{min} to {max} bytes expected");
            }

            Store.Write(key, value);
        });
        if (!last)
        {
            return;
        }

        if (!Store.Contains(TicketKeys.Event) || !Store.Contains(TicketKeys.Seat) || !Store.Contains(TicketKeys.IssuerKey))
        {
            throw Personalisation.Missing("DGI 0201, 0202 or 8201");
        }

        Store.Write(TicketKeys.Status, [Valid]);
        Store.WriteUInt32(TicketKeys.UpdateCounter, 0);
        Personalisation.Complete(Store);
    }
}

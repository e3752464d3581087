using System.Buffers.Binary;
using Tessera.Applets.Common;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Applets.Purse;

/// <summary>
/// An electronic purse: a balance up to a personalised maximum, credit authorised by the issuer's AES key (see
/// <see cref="IssuerMac"/>), debit, and a bounded log. Commands and DGIs: docs/PROTOCOL.md, "Built-in applets".
/// </summary>
[TesseraApplet(BuiltInAids.Purse)]
public sealed class PurseApplet : PersonalisedApplet
{
    public const byte InsGetBalance = 0x50;
    public const byte InsCredit = 0x52;
    public const byte InsDebit = 0x54;
    public const byte InsReadLog = 0x56;

    protected override void ProcessPersonalised(AppletApdu apdu)
    {
        switch (apdu.Ins)
        {
            case InsGetBalance:
                GetBalance(apdu);
                break;
            case InsCredit:
                Credit(apdu);
                break;
            case InsDebit:
                Debit(apdu);
                break;
            case InsReadLog:
                AppletCommands.RequireNoData(apdu);
                apdu.Send(PurseLog.ReadNewestFirst(Store));
                break;
            default:
                throw AppletCommands.Unknown(apdu);
        }
    }

    private void GetBalance(AppletApdu apdu)
    {
        AppletCommands.RequireNoData(apdu);
        Span<byte> answer = stackalloc byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(answer, Store.ReadUInt32(PurseKeys.Balance));
        BinaryPrimitives.WriteUInt32BigEndian(answer[4..], Store.ReadUInt32(PurseKeys.MaxBalance));
        BinaryPrimitives.WriteUInt32BigEndian(answer[8..], Store.ReadUInt32(PurseKeys.CreditCounter));
        apdu.Send(answer);
    }

    private void Credit(AppletApdu apdu)
    {
        apdu.RequireP1P2(0x0000);
        apdu.RequireDataLength(4 + IssuerMac.Length);
        var data = apdu.Data.Span;
        var amount = BinaryPrimitives.ReadUInt32BigEndian(data);
        var counter = Store.ReadUInt32(PurseKeys.CreditCounter);
        IssuerMac.Verify(Store.Read(PurseKeys.CreditKey) ?? [], InstanceAid, InsCredit, data[..4], counter, data[4..]);
        var balance = Store.ReadUInt32(PurseKeys.Balance);
        if (amount == 0 || amount > Store.ReadUInt32(PurseKeys.MaxBalance) - balance)
        {
            throw new IsoException(StatusWords.IncorrectDataField, "the credit amount is 0 or would exceed the maximum balance");
        }

        Store.WriteUInt32(PurseKeys.CreditCounter, counter + 1);
        Record(apdu, PurseLog.Credit, amount, balance + amount);
    }

    private void Debit(AppletApdu apdu)
    {
        apdu.RequireP1P2(0x0000);
        apdu.RequireDataLength(4);
        var amount = BinaryPrimitives.ReadUInt32BigEndian(apdu.Data.Span);
        var balance = Store.ReadUInt32(PurseKeys.Balance);
        if (amount == 0)
        {
            throw new IsoException(StatusWords.IncorrectDataField, "the debit amount is 0");
        }

        if (amount > balance)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "insufficient funds");
        }

        Record(apdu, PurseLog.Debit, amount, balance - amount);
    }

    /// <summary>Balance, ATC and log entry change together in one transaction; the answer is the new balance.</summary>
    private void Record(AppletApdu apdu, byte type, uint amount, uint newBalance)
    {
        Store.BeginTransaction();
        var atc = Store.ReadUInt32(PurseKeys.Atc) + 1;
        Store.WriteUInt32(PurseKeys.Balance, newBalance);
        Store.WriteUInt32(PurseKeys.Atc, atc);
        PurseLog.Append(Store, type, atc, amount, newBalance);
        Store.CommitTransaction();
        Span<byte> answer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(answer, newBalance);
        apdu.Send(answer);
    }

    protected override void StoreData(AppletApdu apdu)
    {
        var last = Personalisation.ReadBlock(apdu, Store, (dgi, value) =>
        {
            switch (dgi)
            {
                case PurseKeys.DgiParameters:
                    if (value.Length != 5 || value[4] is 0 or > PurseLog.MaxCapacity)
                    {
                        throw Personalisation.BadDgi(dgi, "max balance (4) and log capacity (1..50) expected");
                    }

                    Store.WriteUInt32(PurseKeys.MaxBalance, BinaryPrimitives.ReadUInt32BigEndian(value));
                    PurseLog.Create(Store, value[4]);
                    break;
                case PurseKeys.DgiInitialBalance:
                    if (value.Length != 4)
                    {
                        throw Personalisation.BadDgi(dgi, "a 4-byte balance expected");
                    }

                    Store.WriteUInt32(PurseKeys.Balance, BinaryPrimitives.ReadUInt32BigEndian(value));
                    break;
                case PurseKeys.DgiCreditKey:
                    if (!IssuerMac.IsAesKey(value))
                    {
                        throw Personalisation.BadDgi(dgi, "an AES-128/192/256 key expected");
                    }

                    Store.Write(PurseKeys.CreditKey, value);
                    break;
                default:
                    throw Personalisation.BadDgi(dgi, "unknown to the purse");
            }
        });
        if (!last)
        {
            return;
        }

        if (!Store.Contains(PurseKeys.MaxBalance) || !Store.Contains(PurseKeys.CreditKey))
        {
            throw Personalisation.Missing("DGI 0101 or 8101");
        }

        if (Store.ReadUInt32(PurseKeys.Balance) > Store.ReadUInt32(PurseKeys.MaxBalance))
        {
            throw Personalisation.BadDgi(PurseKeys.DgiInitialBalance, "above the maximum balance");
        }

        Store.WriteUInt32(PurseKeys.Balance, Store.ReadUInt32(PurseKeys.Balance));
        Store.WriteUInt32(PurseKeys.CreditCounter, 0);
        Store.WriteUInt32(PurseKeys.Atc, 0);
        Personalisation.Complete(Store);
    }
}

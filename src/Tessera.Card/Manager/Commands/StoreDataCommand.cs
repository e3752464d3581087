using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// STORE DATA (GPCS §11.11) to the ISD: BER-TLV objects <c>42</c> IIN, <c>45</c> CIN and <c>66</c> card data
/// (P1 b5b4 <c>00</c> or <c>10</c>), or the same objects inside DGI <c>0070</c> (P1 b5b4 <c>01</c>). Each command
/// holds whole objects; blocks are numbered from <c>00</c> and must follow one another (else <c>6A86</c>); P1 b8 ends
/// the sequence. Encrypted data (P1 b7b6 ≠ 00) is not accepted for these objects (<c>6A86</c>). After INSTALL
/// [for personalization], STORE DATA goes to that application instead, until its last block.
/// </summary>
internal static class StoreDataCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireManagement();
        var apdu = command.Apdu;
        var state = command.State;
        if ((apdu.P1 & 0x66) != 0 || (apdu.P1 & 0x18) == 0x18)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "the ISD takes clear BER-TLV or DGI STORE DATA (P1 b7b6 00, b5b4 00/01/10, b3b2 00)");
        }

        if (apdu.P2 != state.StoreDataNextBlock)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, $"STORE DATA block {apdu.P2:X2} where {state.StoreDataNextBlock:X2} was expected");
        }

        if (apdu.Nc == 0)
        {
            throw new IsoException(StatusWords.WrongLength, "STORE DATA without data");
        }

        var card = command.Manager.State;
        try
        {
            card = (apdu.P1 & 0x18) == 0x08 ? ApplyDgis(card, apdu.Data) : ApplyObjects(card, apdu.Data);
        }
        catch (FormatException e)
        {
            throw IsdCommand.WrongData($"STORE DATA: {e.Message}");
        }

        card.Save(command.Nvm);
        state.StoreDataNextBlock = (apdu.P1 & 0x80) != 0 ? 0 : apdu.P2 + 1;
        return CommandResponse.Ok;
    }

    /// <summary>STORE DATA for the application named by INSTALL [for personalization]; the last block ends it.</summary>
    public static CommandResponse Forward(IsdCommand command)
    {
        command.RequireManagement();
        var state = command.State;
        var target = state.PersonalizationTarget!.Value;
        var registry = Registry.Load(command.Nvm);
        var entry = registry.FirstOrDefault(e => e.IsApplication && e.Aid == target);
        if (entry is null)
        {
            state.PersonalizationTarget = null;
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"application {target} is gone");
        }

        var response = command.Manager.Open(entry, registry).Process(command.Context);
        if ((command.Apdu.P1 & 0x80) != 0)
        {
            state.PersonalizationTarget = null;
        }

        return response;
    }

    private static CardState ApplyDgis(CardState card, ReadOnlyMemory<byte> data)
    {
        var reader = new DgiReader(data);
        while (reader.HasData)
        {
            var value = reader.ReadElement(out var dgi);
            if (dgi != 0x0070)
            {
                throw new IsoException(StatusWords.ReferencedDataNotFound, $"the ISD has no DGI {dgi:X4}");
            }

            card = ApplyObjects(card, value);
        }

        return card;
    }

    private static CardState ApplyObjects(CardState card, ReadOnlyMemory<byte> data)
    {
        var reader = new BerTlvReader(data);
        while (reader.HasData)
        {
            var element = reader.ReadElement();
            var value = element.Value.ToArray();
            card = element.Tag.Value switch
            {
                0x42 when value.Length is > 0 and <= 16 => card with { Iin = value },
                0x45 when value.Length is > 0 and <= 16 => card with { Cin = value },
                0x66 when IsCardData(value) => card with { CardData = value },
                _ => throw IsdCommand.WrongData($"the ISD cannot store {element.Tag} with {value.Length} bytes"),
            };
        }

        return card;
    }

    /// <summary>Card data is one constructed <c>73</c> template.</summary>
    private static bool IsCardData(byte[] value)
    {
        var reader = new BerTlvReader(value);
        if (!reader.HasData || reader.PeekTag() != new BerTag(0x73))
        {
            return false;
        }

        reader.ReadConstructed(new BerTag(0x73));
        return !reader.HasData;
    }
}

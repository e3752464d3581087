using Tessera.Card.Issuance;
using Tessera.Card.Os;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// GET DATA (GPCS §11.3), any class, no secure channel needed: <c>0066</c> card data, <c>00E0</c> key information
/// template, <c>9F7F</c> CPLC, <c>0042</c> IIN, <c>0045</c> CIN, <c>00CF</c> key diversification data, <c>00C1</c>
/// sequence counter of the default key set, <c>FF50</c> the command storage file management table and <c>DF51</c> the
/// card's issuance public key (SPEC §4). The answer is always the whole TLV object. Unknown tag or an object
/// not set → <c>6A88</c>.
/// </summary>
internal static class GetDataCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        var apdu = command.Apdu;
        if (apdu.Nc != 0)
        {
            throw new IsoException(StatusWords.WrongLength, "GET DATA takes no data");
        }

        if (apdu.P1P2 == 0xFF50)
        {
            return CommandResponse.WithData(CommandStorageTable.Encode(command.Context.Files, command.Nvm));
        }

        var state = command.Manager.State;
        var (tag, value) = apdu.P1P2 switch
        {
            0x0066 => (0x66u, state.CardDataValue),
            0x00E0 => (0xE0u, KeyInformation(command)),
            0x9F7F => (0x9F7Fu, state.Cplc),
            0x0042 => (0x42u, state.Iin),
            0x0045 => (0x45u, state.Cin),
            0x00CF => (0xCFu, state.Kdd),
            0xDF51 => (0xDF51u, IssuanceKeyStore.PublicKey(command.Nvm) ?? IssuanceKeyStore.Generate(command.Nvm)),
            0x00C1 => (0xC1u, Scp03Derivation.EncodeSequenceCounter(KeyStore.Load(command.Nvm)[0].Counter)),
            _ => throw new IsoException(StatusWords.ReferencedDataNotFound, $"no data object {apdu.P1P2:X4}"),
        };
        if (value.Length == 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, $"data object {apdu.P1P2:X4} is not set");
        }

        return CommandResponse.WithData(BerTlv.Encode(new BerTag(tag), value));
    }

    /// <summary>Key information template content: <c>C0 04 key-id KVN 88 length</c> for keys 1–3 of every key set.</summary>
    private static byte[] KeyInformation(IsdCommand command)
    {
        var w = new BerTlvWriter();
        foreach (var set in KeyStore.Load(command.Nvm))
        {
            for (byte id = 1; id <= 3; id++)
            {
                w.Write(new BerTag(0xC0), [id, set.Kvn, 0x88, (byte)set.KeyLength]);
            }
        }

        return w.ToArray();
    }
}

using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Applets.Common;

/// <summary>
/// STORE DATA (CLA 80 INS E2) as the built-in applets take it for personalisation: forwarded by the card manager
/// under its secure channel, data in DGI format (P1 b5b4 = 00 or 01, no encryption indicated in b7b6), each block
/// holding whole DGIs; P1 b8 marks the last block, after which the applet is personalised and takes no more.
/// </summary>
internal static class Personalisation
{
    public const ushort StateKey = 0x0001;
    public const byte Personalised = 0x01;

    public static bool IsPersonalised(PersistentStore store) => store.Read(StateKey) is [Personalised];

    /// <summary>Runs <paramref name="onDgi"/> for each DGI of the block; returns true for the last block.</summary>
    public static bool ReadBlock(AppletApdu apdu, PersistentStore store, Action<ushort, ReadOnlySpan<byte>> onDgi)
    {
        if (IsPersonalised(store))
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the applet is already personalised");
        }

        if (!apdu.IsdSecureChannel)
        {
            throw new IsoException(StatusWords.SecurityStatusNotSatisfied, "STORE DATA needs the card manager's authenticated secure channel");
        }

        if ((apdu.P1 & 0x18) is not (0x00 or 0x08) || (apdu.P1 & 0x60) != 0)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "STORE DATA: DGI format without encryption only");
        }

        var data = apdu.Data.Span;
        while (!data.IsEmpty)
        {
            if (!Dgi.TryReadElement(data, out var dgi, out var value, out var consumed))
            {
                throw new IsoException(StatusWords.IncorrectDataField, "STORE DATA: malformed or split DGI");
            }

            onDgi(dgi, value);
            data = data[consumed..];
        }

        return (apdu.P1 & 0x80) != 0;
    }

    public static void Complete(PersistentStore store) => store.Write(StateKey, [Personalised]);

    public static IsoException BadDgi(ushort dgi, string reason) =>
        new(StatusWords.IncorrectDataField, $"DGI {dgi:X4}: {reason}");

    public static IsoException Missing(string what) =>
        new(StatusWords.ConditionsOfUseNotSatisfied, $"personalisation incomplete: {what} missing");
}

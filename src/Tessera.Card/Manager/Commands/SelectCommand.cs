using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// SELECT of the ISD (GPCS §11.9): the FCI <c>6F { 84 AID, A5 { 73 card recognition data, 9F65 01 FF } }</c>, or no
/// data with P2 <c>0C</c>; in CARD_LOCKED the warning <c>6283</c>.
/// </summary>
internal static class SelectCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        var manager = command.Manager;
        var state = manager.State;
        var sw = state.LifeCycle == LifeCycles.CardLocked ? new StatusWord(0x6283) : StatusWords.Success;
        if (command.Apdu.P2 == 0x0C)
        {
            return CommandResponse.Status(sw);
        }

        var w = new BerTlvWriter();
        using (w.PushConstructed(new BerTag(0x6F)))
        {
            w.Write(new BerTag(0x84), manager.IsdAid.Span);
            using (w.PushConstructed(new BerTag(0xA5)))
            {
                w.WriteEncoded(CardRecognitionData.RecognitionTemplate(state.ScpI));
                w.Write(new BerTag(0x9F65), [0xFF]);
            }
        }

        return new CommandResponse(w.ToArray(), sw);
    }
}

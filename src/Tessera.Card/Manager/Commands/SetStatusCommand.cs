using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// SET STATUS (GPCS §11.10). P1 <c>80</c>: card life cycle to P2 (data ignored): forward steps OP_READY →
/// INITIALIZED → SECURED (skipping INITIALIZED allowed), SECURED ⇄ CARD_LOCKED, anything → TERMINATED. P1 <c>40</c>:
/// the application whose AID is the data: P2 b8 = 1 locks it, P2 <c>00</c> unlocks it (back to its state before
/// locking). A P2 that is not a card life cycle coding → <c>6A86</c>; an illegal transition (including to the
/// current state) → <c>6985</c>; an unknown AID → <c>6A88</c>.
/// </summary>
internal static class SetStatusCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireGpClass();
        command.RequireAuthenticated();
        return command.Apdu.P1 switch
        {
            0x80 => SetCardLifeCycle(command),
            0x40 => SetApplicationLifeCycle(command),
            _ => throw new IsoException(StatusWords.IncorrectP1P2, "SET STATUS supports P1 80 (card) and 40 (application)"),
        };
    }

    /// <summary>True when the card life cycle may go from <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static bool IsLegalCardTransition(byte from, byte to) => (from, to) switch
    {
        (LifeCycles.OpReady, LifeCycles.Initialized or LifeCycles.Secured) => true,
        (LifeCycles.Initialized, LifeCycles.Secured) => true,
        (LifeCycles.Secured, LifeCycles.CardLocked) => true,
        (LifeCycles.CardLocked, LifeCycles.Secured) => true,
        (not LifeCycles.Terminated, LifeCycles.Terminated) => true,
        _ => false,
    };

    private static CommandResponse SetCardLifeCycle(IsdCommand command)
    {
        var target = command.Apdu.P2;
        if (target is not (LifeCycles.Initialized or LifeCycles.Secured or LifeCycles.CardLocked or LifeCycles.Terminated))
        {
            throw new IsoException(StatusWords.IncorrectP1P2, $"{target:X2} is not a card life cycle state SET STATUS can set");
        }

        var state = command.Manager.State;
        if (!IsLegalCardTransition(state.LifeCycle, target))
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"the card cannot go from {LifeCycles.CardName(state.LifeCycle)} to {LifeCycles.CardName(target)}");
        }

        (state with { LifeCycle = target }).Save(command.Nvm);
        return CommandResponse.Ok;
    }

    private static CommandResponse SetApplicationLifeCycle(IsdCommand command)
    {
        var apdu = command.Apdu;
        if (command.Manager.CardLifeCycle == LifeCycles.CardLocked)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "applications cannot change life cycle while the card is locked");
        }

        if (!Aid.TryCreate(apdu.Data.Span, out var aid))
        {
            throw IsdCommand.WrongData("SET STATUS data must be an AID (5 to 16 bytes)");
        }

        var lockIt = (apdu.P2 & LifeCycles.LockedBit) != 0;
        if (!lockIt && apdu.P2 != 0x00)
        {
            throw new IsoException(StatusWords.IncorrectP1P2, "SET STATUS P1 40: P2 80 locks, 00 unlocks");
        }

        var registry = Registry.Load(command.Nvm);
        var index = registry.FindIndex(e => e.IsApplication && e.Aid == aid);
        if (index < 0)
        {
            throw new IsoException(StatusWords.ReferencedDataNotFound, aid == command.Manager.IsdAid ? "the ISD's state is the card life cycle (P1 80)" : $"no application {aid}");
        }

        var entry = registry[index];
        if (LifeCycles.IsLocked(entry.LifeCycle) == lockIt)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, lockIt ? "the application is already LOCKED" : "the application is not LOCKED");
        }

        registry[index] = entry with { LifeCycle = (byte)(entry.LifeCycle ^ LifeCycles.LockedBit) };
        Registry.Save(command.Nvm, registry);
        return CommandResponse.Ok;
    }
}

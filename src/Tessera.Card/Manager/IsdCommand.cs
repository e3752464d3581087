using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>One command addressed to the ISD, with what its handler needs, and the GP checks handlers share.</summary>
internal sealed class IsdCommand(CommandContext context, CardManager manager, IsdChannelState state)
{
    public CommandContext Context { get; } = context;

    public CardManager Manager { get; } = manager;

    public IsdChannelState State { get; } = state;

    public CommandApdu Apdu => Context.Apdu;

    public LogicalChannel Channel => Context.Channel;

    public NonVolatileMemory Nvm => Context.Nvm;

    /// <summary>GP commands use a proprietary CLA (80–8F, C0–CF, E0–EF).</summary>
    public void RequireGpClass()
    {
        if (!ClassByte.IsProprietary(Apdu.Cla))
        {
            throw new IsoException(StatusWords.ClassNotSupported, $"INS {Apdu.Ins:X2} needs a GlobalPlatform (proprietary) CLA");
        }
    }

    /// <summary>GP minimum security level AUTHENTICATED (GPCS Table 11-2).</summary>
    public void RequireAuthenticated()
    {
        if (!Channel.IsdSecureChannelAuthenticated)
        {
            throw new IsoException(StatusWords.SecurityStatusNotSatisfied, "an authenticated ISD secure channel is required");
        }
    }

    /// <summary>Card content changes are refused in CARD_LOCKED and TERMINATED.</summary>
    public void RequireContentChangeAllowed()
    {
        var lifeCycle = Manager.CardLifeCycle;
        if (lifeCycle is LifeCycles.CardLocked or LifeCycles.Terminated)
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, $"card content cannot change while the card is {LifeCycles.CardName(lifeCycle)}");
        }
    }

    /// <summary>The usual guard of a content-changing GP command: class, secure channel, card life cycle.</summary>
    public void RequireManagement()
    {
        RequireGpClass();
        RequireAuthenticated();
        RequireContentChangeAllowed();
    }

    public void RequireP1P2(byte p1, byte p2)
    {
        if (Apdu.P1 != p1 || Apdu.P2 != p2)
        {
            throw new IsoException(StatusWords.IncorrectP1P2);
        }
    }

    public static IsoException WrongData(string reason) => new(StatusWords.IncorrectDataField, reason);
}

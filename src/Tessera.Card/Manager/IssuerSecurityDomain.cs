using Tessera.Card.Issuance;
using Tessera.Card.Manager.Commands;
using Tessera.Card.Os;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>
/// The ISD as the card OS sees it: an application selected by its AID (or implicitly), answering the
/// GlobalPlatform commands of SPEC §3. Each command has its own handler in <see cref="Commands"/>.
/// </summary>
internal sealed class IssuerSecurityDomain(CardManager manager) : ICardApplication
{
    public const byte InsSelect = 0xA4;
    public const byte InsInitializeUpdate = 0x50;
    public const byte InsExternalAuthenticate = 0x82;
    public const byte InsGetData = 0xCA;
    public const byte InsGetDataOdd = 0xCB;
    public const byte InsGetStatus = 0xF2;
    public const byte InsSetStatus = 0xF0;
    public const byte InsPutKey = 0xD8;
    public const byte InsStoreData = 0xE2;
    public const byte InsDelete = 0xE4;
    public const byte InsInstall = 0xE6;
    public const byte InsLoad = 0xE8;
    public const byte InsStartSelfIssuance = 0x5A;
    public const byte InsGetIssuanceStatus = 0x5B;
    public const byte InsClearIssuance = 0x5C;
    public const byte InsConfirmIssuance = 0x5D;

    private readonly Dictionary<LogicalChannel, IsdChannelState> states = [];

    public void Select(LogicalChannel channel) => states[channel] = new IsdChannelState();

    public void Deselect(LogicalChannel channel)
    {
        states.Remove(channel);
        channel.EndSecureChannel();
    }

    /// <summary>The ISD's volatile state on a channel (created when missing).</summary>
    public IsdChannelState ChannelState(LogicalChannel channel)
    {
        if (!states.TryGetValue(channel, out var state))
        {
            states[channel] = state = new IsdChannelState();
        }

        return state;
    }

    public CommandResponse Process(CommandContext context)
    {
        var channel = context.Channel;
        var state = ChannelState(channel);

        var command = new IsdCommand(context, manager, state);
        var ins = context.Apdu.Ins;
        if (manager.CardLifeCycle == LifeCycles.Terminated && ins is not (InsSelect or InsGetData or InsGetDataOdd))
        {
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "the card is TERMINATED: only GET DATA is processed");
        }

        // STORE DATA goes to the application named by INSTALL [for personalization] while that session lasts.
        if (ins == InsStoreData && state.PersonalizationTarget is not null)
        {
            return StoreDataCommand.Forward(command);
        }

        return ins switch
        {
            InsSelect => SelectCommand.Handle(command),
            InsInitializeUpdate => InitializeUpdateCommand.Handle(command),
            InsExternalAuthenticate => ExternalAuthenticateCommand.Handle(command),
            InsGetData or InsGetDataOdd => GetDataCommand.Handle(command),
            InsGetStatus => GetStatusCommand.Handle(command),
            InsSetStatus => SetStatusCommand.Handle(command),
            InsPutKey => PutKeyCommand.Handle(command),
            InsStoreData => StoreDataCommand.Handle(command),
            InsDelete => DeleteCommand.Handle(command),
            InsInstall => InstallCommand.Handle(command),
            InsLoad => LoadCommand.Handle(command),
            InsStartSelfIssuance => SelfIssuanceCommands.Start(command),
            InsGetIssuanceStatus => SelfIssuanceCommands.GetStatus(command),
            InsClearIssuance => SelfIssuanceCommands.Clear(command),
            InsConfirmIssuance => SelfIssuanceCommands.Confirm(command),
            _ => throw new IsoException(StatusWords.InstructionNotSupported, $"the ISD does not know INS {ins:X2}"),
        };
    }
}

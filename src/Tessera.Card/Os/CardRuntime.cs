using Microsoft.Extensions.Logging;
using Tessera.Card.FileSystem;
using Tessera.Card.Issuance;
using Tessera.Card.Manager;
using Tessera.Card.Runtime;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Os;

/// <summary>
/// The card OS while the chip is powered: the mounted NVM, the file system, the sessions of the powered interfaces,
/// and the command pipeline. Every command runs in one NVM atomic unit: it either commits all of its effects or, on
/// any error status word or exception, none of them. A tear (<see cref="CardTornException"/>) is not caught here:
/// it travels to the device's power boundary.
/// </summary>
public sealed class CardRuntime
{
    private readonly Dictionary<CardInterface, InterfaceSession> sessions = [];
    private readonly ILogger logger;
    private readonly CardEventLog events;
    private const byte ExternalAuthenticateIns = 0x82;

    internal CardRuntime(CardProfile profile, NonVolatileMemory nvm, CardEventLog events, ILogger logger)
    {
        Profile = profile;
        Nvm = nvm;
        this.events = events;
        this.logger = logger;
        Files = CardFileSystem.Load(nvm);
        Dispatcher = new CommandDispatcher(this);
        Issuance = new IssuanceEngine(this, logger);
        Manager = new CardManager(this);
    }

    public CardProfile Profile { get; }

    public NonVolatileMemory Nvm { get; }

    public CardFileSystem Files { get; private set; }

    internal CommandDispatcher Dispatcher { get; }

    /// <summary>The self-issuance engine: privileged mode and script execution (SPEC §4.5).</summary>
    public IssuanceEngine Issuance { get; }

    /// <summary>
    /// Set when an ISD secure channel is authenticated on an APDU interface: the memory interface may then write
    /// command storage EFs whose direct-access flag is set, until the chip loses power (SPEC §4.2).
    /// </summary>
    public bool MemorySessionAuthorised { get; internal set; }

    /// <summary>The card manager (GlobalPlatform Issuer Security Domain) of this card.</summary>
    public CardManager Manager { get; }

    /// <summary>
    /// The applet runtime that inspects load files and runs applet instances, or null when none is configured (then
    /// INSTALL [for load]/[for install] and LOAD answer <c>6A81</c>). Set by <see cref="SecureDevice.AppletRuntimeFactory"/>.
    /// </summary>
    public IAppletRuntime? AppletRuntime { get; set; }

    /// <summary>
    /// Resolves a DF name given in SELECT (P1 04) to an application; an empty name means "the ISD" (GP SELECT without
    /// data). The card manager installs its resolver: the ISD and the SELECTABLE applet instances of the registry.
    /// It may throw <see cref="IsoException"/> for an application that exists but cannot be selected.
    /// </summary>
    public Func<ReadOnlyMemory<byte>, ICardApplication?> ApplicationResolver { get; set; } = _ => null;

    /// <summary>The application implicitly selected on a channel opened from the basic channel or at power-on.</summary>
    public Func<ICardApplication?> ImplicitSelection { get; set; } = () => null;

    public bool IsPowered(CardInterface cardInterface) => sessions.ContainsKey(cardInterface);

    public bool AnyInterfacePowered => sessions.Count > 0;

    public InterfaceSession? Session(CardInterface cardInterface) => sessions.GetValueOrDefault(cardInterface);

    internal void Activate(CardInterface cardInterface)
    {
        if (sessions.Remove(cardInterface, out var old))
        {
            // A reset of a powered interface ends the privileged mode (SPEC §1, §4.5).
            Issuance.Interrupt();
            old.CloseAll();
        }

        var session = new InterfaceSession(cardInterface, Profile.LogicalChannels, Files.Mf.NodeId);
        sessions[cardInterface] = session;
        SelectImplicitly(session.Channel(0)!);
    }

    /// <summary>Selects the implicitly selectable application (the ISD while the card life cycle allows) on a channel.</summary>
    internal void SelectImplicitly(LogicalChannel channel)
    {
        if (ImplicitSelection() is { } application)
        {
            channel.SelectedApplication = application;
            application.Select(channel);
        }
    }

    internal void Deactivate(CardInterface cardInterface)
    {
        if (sessions.Remove(cardInterface, out var session))
        {
            Issuance.Interrupt();
            session.CloseAll();
        }
    }

    /// <summary>Runs one command APDU atomically and returns the response APDU bytes.</summary>
    internal byte[] Transmit(CardInterface cardInterface, ReadOnlyMemory<byte> apduBytes)
    {
        var session = sessions[cardInterface];
        if (!CommandApdu.TryParse(apduBytes, out var apdu, out var reason))
        {
            logger.LogDebug("malformed APDU on {Interface}: {Reason}", cardInterface, reason);
            return StatusOnly(StatusWords.WrongLength);
        }

        if (!ClassByte.IsValid(apdu.Cla))
        {
            return StatusOnly(StatusWords.ClassNotSupported);
        }

        var channel = session.Channel(apdu.Channel);
        if (channel is null)
        {
            return StatusOnly(StatusWords.LogicalChannelNotSupported);
        }

        if (apdu.Ins == 0xC0)
        {
            return Encode(Dispatcher.GetResponse(apdu, channel));
        }

        channel.Pending = null;
        var secure = channel.SecureChannel;
        if (secure is { IsAuthenticated: true })
        {
            // SPEC §3: in a session every command of the channel is wrapped, file-system commands included.
            if (!secure.TryUnwrap(apduBytes.Span, out var plain))
            {
                logger.LogDebug("secure messaging failure on channel {Channel}: session aborted", channel.Number);
                channel.EndSecureChannel();
                return StatusOnly(StatusWords.SecurityStatusNotSatisfied);
            }

            if (!CommandApdu.TryParse(plain, out apdu, out reason))
            {
                logger.LogDebug("malformed unwrapped APDU on {Interface}: {Reason}", cardInterface, reason);
                return StatusOnly(StatusWords.WrongLength);
            }
        }
        else if (secure is not null && apdu.Ins != ExternalAuthenticateIns)
        {
            // INITIALIZE UPDATE must be followed by EXTERNAL AUTHENTICATE: anything else drops the pending session.
            channel.EndSecureChannel();
            secure = null;
        }
        else
        {
            secure = null;
        }

        var context = new CommandContext(apdu, channel, cardInterface, this);
        var (response, changedNvm, committed) = RunAtomically(context);
        if (Issuance.Privileged && !committed)
        {
            // START took the privileged mode but its own unit did not commit: nothing runs.
            Issuance.Interrupt();
        }

        if (Issuance.InlineRequested)
        {
            // START with P2 00 (SPEC §4.4): the issuance runs to its end, each command in its own atomic unit, and the
            // answer is the final status template.
            try
            {
                Issuance.RunToEnd();
                response = SelfIssuanceCommands.FinalAnswer(this);
            }
            catch (Exception e) when (e is not CardTornException)
            {
                logger.LogWarning(e, "self-issuance stopped by an internal error");
                events.Record(CardEventKind.InternalError, $"self-issuance: {e.GetType().Name}: {e.Message}");
                Issuance.Interrupt();
                response = CommandResponse.Status(StatusWords.NoPreciseDiagnosis);
            }

            changedNvm = true;
        }

        if (secure is not null && ReferenceEquals(channel.SecureChannel, secure) && secure.IsAuthenticated)
        {
            // The wrapped response is split with 61XX as a whole; Le counts plain data, so it is taken as the maximum.
            var wrapped = secure.Wrap(Encode(response));
            response = new CommandResponse(wrapped.AsMemory(0, wrapped.Length - 2), new StatusWord(wrapped[^2], wrapped[^1]));
            apdu = apdu.WithNe(0);
        }

        return Encode(Dispatcher.Shape(apdu, channel, response, changedNvm));
    }

    /// <summary>
    /// Runs a handler inside one NVM atomic unit. On an error status word or an exception the unit is aborted and the
    /// RAM caches of NVM state are rebuilt, so nothing of the command remains. <paramref name="keep"/> replaces the
    /// usual rule (success and warnings keep their effects) for a status word the handler returned; it is not asked
    /// for one that an exception produced (those never keep effects). <paramref name="beforeCommit"/> writes more
    /// into the same unit when the effects are kept (the number of preceding commands of a self-issuance).
    /// </summary>
    internal (CommandResponse Response, bool ChangedNvm, bool Committed) RunAtomically(CommandContext context, Func<StatusWord, bool>? keep = null, Action? beforeCommit = null)
    {
        Nvm.BeginAtomic();
        CommandResponse response;
        try
        {
            response = Dispatcher.Dispatch(context);
        }
        catch (IsoException e)
        {
            logger.LogDebug("command {Header} refused: {Reason}", Header(context.Apdu), e.Message);
            Abort();
            return (CommandResponse.Status(e.StatusWord), false, false);
        }
        catch (NvmFullException e)
        {
            logger.LogDebug("command {Header} ran out of NVM: {Reason}", Header(context.Apdu), e.Message);
            Abort();
            return (CommandResponse.Status(StatusWords.NotEnoughMemory), false, false);
        }
        catch (CardTornException)
        {
            throw;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "command {Header} failed inside the card", Header(context.Apdu));
            events.Record(CardEventKind.InternalError, $"{Header(context.Apdu)}: {e.GetType().Name}: {e.Message}");
            Abort();
            return (CommandResponse.Status(StatusWords.NoPreciseDiagnosis), false, false);
        }

        var keepEffects = keep?.Invoke(response.StatusWord) ?? KeepsEffects(response.StatusWord, context);
        if (!keepEffects)
        {
            Abort();
            return (response, false, false);
        }

        try
        {
            beforeCommit?.Invoke();
            var dirty = Nvm.IsDirty;
            Nvm.CommitAtomic();
            return (response, dirty, true);
        }
        catch (NvmFullException e)
        {
            logger.LogDebug("command {Header} could not commit: {Reason}", Header(context.Apdu), e.Message);
            Abort();
            return (CommandResponse.Status(StatusWords.NotEnoughMemory), false, false);
        }
        catch (Exception e) when (e is not CardTornException)
        {
            logger.LogWarning(e, "command {Header} failed while committing", Header(context.Apdu));
            events.Record(CardEventKind.InternalError, $"{Header(context.Apdu)} commit: {e.GetType().Name}: {e.Message}");
            Abort();
            return (CommandResponse.Status(StatusWords.NoPreciseDiagnosis), false, false);
        }
    }

    /// <summary>Runs card-internal bookkeeping in its own atomic unit (aborted if it throws).</summary>
    internal void RunUnit(Action action)
    {
        Nvm.BeginAtomic();
        try
        {
            action();
            Nvm.CommitAtomic();
        }
        catch (CardTornException)
        {
            throw;
        }
        catch
        {
            Abort();
            throw;
        }
    }

    /// <summary>
    /// Re-reads every RAM copy of NVM state after NVM changed under them (CLEAR ISSUANCE restored older content):
    /// the file system tree, the live applet objects, and the current files of every channel.
    /// </summary>
    internal void ReloadFromNvm()
    {
        Manager.ForgetAll();
        ReloadFiles();
    }

    /// <summary>The OS's rule: success and warnings keep a command's effects, errors only the bookkeeping a handler names.</summary>
    internal static bool KeepsEffects(StatusWord sw, CommandContext context) => sw.IsSuccess || IsWarningThatKeepsEffects(sw) || context.KeepEffectsOnError;

    /// <summary>Warnings <c>62XX</c>/<c>63XX</c> complete the command; everything else from 64 up is an error.</summary>
    private static bool IsWarningThatKeepsEffects(StatusWord sw) => sw.Sw1 is 0x62 or 0x63;

    private void Abort()
    {
        var dirty = Nvm.IsDirty;
        Nvm.AbortAtomic();
        if (dirty)
        {
            ReloadFiles();
        }
    }

    private void ReloadFiles()
    {
        Files = CardFileSystem.Load(Nvm);
        foreach (var channel in sessions.Values.SelectMany(s => s.OpenChannels))
        {
            if (Files.FindNode(channel.CurrentDf) is not { IsDf: true })
            {
                channel.CurrentDf = Files.Mf.NodeId;
            }

            if (channel.CurrentEf is { } ef && Files.FindNode(ef) is null)
            {
                channel.CurrentEf = null;
            }
        }
    }

    private static string Header(CommandApdu apdu) => $"{apdu.Cla:X2} {apdu.Ins:X2} {apdu.P1:X2} {apdu.P2:X2}";

    private static byte[] StatusOnly(StatusWord sw) => [sw.Sw1, sw.Sw2];

    private static byte[] Encode(CommandResponse response)
    {
        var bytes = new byte[response.Data.Length + 2];
        response.Data.Span.CopyTo(bytes);
        bytes[^2] = response.StatusWord.Sw1;
        bytes[^1] = response.StatusWord.Sw2;
        return bytes;
    }
}

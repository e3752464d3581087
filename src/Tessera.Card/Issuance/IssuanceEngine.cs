using Microsoft.Extensions.Logging;
using Tessera.Card.Manager;
using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Issuance;

/// <summary>
/// The self-issuance engine of a powered card (SPEC §4.5): it holds the privileged mode and executes the commands of
/// the accepted simultaneous command one by one, each through the card OS's own dispatch on the script's private
/// channel, in one atomic unit with the number of preceding commands. All its state is volatile: power-off, reset or
/// a tear ends it, and NVM then says which commands took effect.
/// </summary>
public sealed class IssuanceEngine
{
    private readonly CardRuntime runtime;
    private readonly ILogger logger;
    private SimultaneousCommand? structure;
    private LogicalChannel? scriptChannel;
    private CardInterface scriptInterface;
    private int next;

    internal IssuanceEngine(CardRuntime runtime, ILogger logger)
    {
        this.runtime = runtime;
        this.logger = logger;
    }

    /// <summary>Set from the moment START is accepted until the issuance ends, is interrupted or the card resets.</summary>
    public bool Privileged => structure is not null;

    /// <summary>True while a script command is being dispatched (its SELECTs see applications still hidden outside).</summary>
    public bool ExecutingScript { get; private set; }

    /// <summary>Set by START with P2 <c>01</c>: the device continues the issuance in the background after answering.</summary>
    internal bool BackgroundRequested { get; set; }

    /// <summary>Set by START with P2 <c>00</c>: the OS runs the issuance to its end before answering.</summary>
    internal bool InlineRequested { get; set; }

    /// <summary>Commands executed by this engine since power-on (a figure for benchmarks).</summary>
    public long CommandsExecuted { get; private set; }

    /// <summary>The state to report for a record: <c>Running</c> in NVM with no running engine means interrupted.</summary>
    internal IssuanceState Reported(IssuanceRecord? record) =>
        record is null ? IssuanceState.None
        : record.State == IssuanceState.Running && !Privileged ? IssuanceState.Interrupted
        : record.State;

    /// <summary>True for an application that an unconfirmed issuance installed, seen from outside the script.</summary>
    internal bool HidesFromOutside(Aid aid)
    {
        if (ExecutingScript)
        {
            return false;
        }

        var record = IssuanceRecord.Load(runtime.Nvm);
        return record is { IsOpen: true } && !IssuanceRecord.LoadApplicationsBefore(runtime.Nvm).Contains(aid);
    }

    /// <summary>Takes the privileged mode for <paramref name="accepted"/>, to run from command <paramref name="startAt"/>.</summary>
    internal void Begin(SimultaneousCommand accepted, int startAt, ScriptContext context, CardInterface cardInterface)
    {
        var channel = new LogicalChannel(0) { ImplicitlyAuthenticated = true };
        channel.Reset(runtime.Files.Mf.NodeId);
        RestoreContext(channel, context);
        scriptChannel = channel;
        structure = accepted;
        next = startAt;
        scriptInterface = cardInterface;
        logger.LogDebug("self-issuance of {Count} commands starts at command {Start}", accepted.CommandCount, startAt);
    }

    /// <summary>Ends the privileged mode without touching NVM (power-off, reset, tear): the issuance is interrupted.</summary>
    internal void Interrupt()
    {
        if (structure is not null)
        {
            logger.LogDebug("self-issuance interrupted before command {Next}", next);
        }

        End();
    }

    /// <summary>Executes the next command; returns false once the issuance has ended (completed or failed).</summary>
    internal bool Step()
    {
        if (structure is null || scriptChannel is null)
        {
            return false;
        }

        var number = next;
        var bytes = structure.Command(number);
        var completes = number == structure.CommandCount;
        StatusWord sw;
        CommandApdu? apdu = null;
        if (!CommandApdu.TryParse(bytes, out apdu, out var reason))
        {
            logger.LogDebug("script command {Number} no longer parses: {Reason}", number, reason);
            sw = StatusWords.WrongLength;
        }
        else if (IsRefusedInScript(apdu))
        {
            sw = StatusWords.ConditionsOfUseNotSatisfied;
        }
        else
        {
            var context = new CommandContext(apdu, scriptChannel, scriptInterface, runtime);
            ExecutingScript = true;
            try
            {
                // Effects are kept by the OS's usual rule, and only when the decision table also judges a success.
                var judged = structure;
                var outcome = runtime.RunAtomically(context, sw => judged.IsSuccess(sw) && CardRuntime.KeepsEffects(sw, context), () => SaveProgress(number, completes));
                sw = outcome.Response.StatusWord;
                CommandsExecuted++;
                if (outcome.Committed)
                {
                    return Advance(number, completes);
                }
            }
            finally
            {
                ExecutingScript = false;
            }
        }

        if (structure.IsSuccess(sw))
        {
            // An error status word that the script's table judges a success: the command had no effect to keep.
            runtime.RunUnit(() => SaveProgress(number, completes));
            return Advance(number, completes);
        }

        var header = apdu is null ? 0u : (uint)((apdu.Cla << 24) | (apdu.Ins << 16) | (apdu.P1 << 8) | apdu.P2);
        var failedStructure = structure;
        runtime.RunUnit(() =>
        {
            var record = IssuanceRecord.Load(runtime.Nvm)!;
            (record with
            {
                State = IssuanceState.Failed,
                FailingCommand = number,
                FailingHeader = header,
                FailingStatus = sw.Value,
                ResumeAt = failedStructure.RestartPoint(number - 1),
            }).Save(runtime.Nvm);
        });
        logger.LogDebug("self-issuance failed at command {Number} with {Sw}", number, sw.Describe());
        End();
        return false;
    }

    /// <summary>Runs the issuance to its end (START with P2 <c>00</c>).</summary>
    internal void RunToEnd()
    {
        while (Step())
        {
        }
    }

    private bool Advance(int number, bool completes)
    {
        if (completes)
        {
            logger.LogDebug("self-issuance completed: {Count} commands", number);
            End();
            return false;
        }

        next = number + 1;
        return true;
    }

    private void SaveProgress(int number, bool completes)
    {
        var record = IssuanceRecord.Load(runtime.Nvm)!;
        (record with
        {
            State = completes ? IssuanceState.Completed : IssuanceState.Running,
            Preceding = number,
            ResumeAt = 0,
            Context = CaptureContext(scriptChannel!),
        }).Save(runtime.Nvm);
    }

    private void End()
    {
        if (scriptChannel is not null)
        {
            scriptChannel.SelectedApplication?.Deselect(scriptChannel);
            scriptChannel.SelectedApplication = null;
        }

        structure = null;
        scriptChannel = null;
        BackgroundRequested = false;
        InlineRequested = false;
    }

    /// <summary>Commands that make no sense inside a script: self-issuance commands (no nesting) and MANAGE CHANNEL.</summary>
    private static bool IsRefusedInScript(CommandApdu apdu) =>
        apdu.Ins == CommandDispatcher.InsManageChannel
        || (ClassByte.IsProprietary(apdu.Cla) && apdu.Ins is IssuerSecurityDomain.InsStartSelfIssuance or IssuerSecurityDomain.InsGetIssuanceStatus
            or IssuerSecurityDomain.InsClearIssuance or IssuerSecurityDomain.InsConfirmIssuance);

    private ScriptContext CaptureContext(LogicalChannel channel)
    {
        var manager = runtime.Manager;
        Aid? selected = null;
        Aid? target = null;
        var nextBlock = 0;
        if (ReferenceEquals(channel.SelectedApplication, manager.Isd))
        {
            var state = manager.IssuerSecurityDomain.ChannelState(channel);
            target = state.PersonalizationTarget;
            nextBlock = state.StoreDataNextBlock;
        }
        else if (channel.SelectedApplication is not null)
        {
            selected = manager.AidOfLive(channel.SelectedApplication);
        }

        return new ScriptContext(channel.CurrentDf, channel.CurrentEf, selected, target, nextBlock);
    }

    private void RestoreContext(LogicalChannel channel, ScriptContext context)
    {
        var files = runtime.Files;
        if (files.FindNode(context.CurrentDf) is { IsDf: true })
        {
            channel.CurrentDf = context.CurrentDf;
        }

        if (context.CurrentEf is { } ef && files.FindNode(ef) is { IsDf: false })
        {
            channel.CurrentEf = ef;
        }

        var manager = runtime.Manager;
        ICardApplication application = manager.Isd;
        if (context.SelectedApplication is { } aid)
        {
            ExecutingScript = true;
            try
            {
                application = runtime.ApplicationResolver(aid.Memory) ?? manager.Isd;
            }
            catch (IsoException)
            {
                application = manager.Isd;
            }
            finally
            {
                ExecutingScript = false;
            }
        }

        channel.SelectedApplication = application;
        application.Select(channel);
        if (ReferenceEquals(application, manager.Isd))
        {
            var state = manager.IssuerSecurityDomain.ChannelState(channel);
            state.PersonalizationTarget = context.PersonalizationTarget;
            state.StoreDataNextBlock = context.StoreDataNextBlock;
        }
    }
}

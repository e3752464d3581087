using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// The live application of one applet instance for one power cycle: it turns OS calls into applet calls, maps an
/// exception escaping the applet to <c>6F00</c> (the OS then discards the command's NVM effects) and aborts a
/// transaction the applet left open when the call returns.
/// </summary>
public sealed class AppletInstance : ICardApplication
{
    private readonly Func<NonVolatileMemory> nvm;
    private readonly Applet applet;
    private readonly TransientMemory transient;

    internal AppletInstance(Func<NonVolatileMemory> nvm, Applet applet, Aid moduleAid, Aid instanceAid, NvmHandle state, TransientMemory transient)
    {
        this.nvm = nvm;
        this.applet = applet;
        this.transient = transient;
        ModuleAid = moduleAid;
        InstanceAid = instanceAid;
        State = state;
        applet.Attach(new AppletServices(instanceAid, new PersistentStore(nvm, state), transient));
    }

    public Aid ModuleAid { get; }

    public Aid InstanceAid { get; }

    /// <summary>The root of the instance's persistent state.</summary>
    public NvmHandle State { get; }

    /// <summary>The applet class (loaded once per process per load file content).</summary>
    public Type AppletType => applet.GetType();

    public void Select(LogicalChannel channel) => Run(applet.Select);

    /// <summary>Clears clear-on-deselect memory and tells the applet; a failure there is ignored (deselect cannot fail).</summary>
    public void Deselect(LogicalChannel channel)
    {
        transient.Deselected();
        try
        {
            Run(applet.Deselect);
        }
        catch (Exception e) when (e is not CardTornException and not NvmFullException)
        {
            // Deselect happens also outside any command (power off, channel reset), where NVM cannot change.
        }
    }

    public CommandResponse Process(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Apdu.Ins == 0xA4 && context.Apdu.P1 == 0x04 && (context.Apdu.Cla & 0x80) == 0)
        {
            // The SELECT that selected this instance: Select() has run; the command itself answers 9000 (no FCI).
            return CommandResponse.Ok;
        }

        var apdu = new AppletApdu(context.Apdu, context.Interface, context.Channel.IsdSecureChannelAuthenticated);
        Run(() => applet.Process(apdu));
        return new CommandResponse(apdu.ResponseData, new StatusWord(apdu.ResponseStatus));
    }

    internal void Install(ReadOnlyMemory<byte> parameters) => Run(() => applet.Install(parameters));

    private void Run(Action call)
    {
        var memory = nvm();
        var transactionBefore = memory.InAtomic && memory.InTransaction;
        try
        {
            call();
        }
        catch (Exception e) when (e is IsoException or NvmFullException)
        {
            EndTransaction(memory, transactionBefore);
            throw;
        }
        catch (CardTornException)
        {
            throw;
        }
        catch (Exception e)
        {
            EndTransaction(memory, transactionBefore);
            throw new IsoException(StatusWords.NoPreciseDiagnosis, $"applet {InstanceAid} failed: {e.GetType().Name}: {e.Message}");
        }

        EndTransaction(memory, transactionBefore);
    }

    /// <summary>A transaction the applet opened and did not close ends with the call: it is aborted (SPEC §1.1).</summary>
    private static void EndTransaction(NonVolatileMemory memory, bool transactionBefore)
    {
        if (!transactionBefore && memory.InAtomic && memory.InTransaction)
        {
            memory.AbortTransaction();
        }
    }
}

using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// The base class of every applet. The runtime creates a fresh object per instance and power cycle, so fields of an
/// applet object must hold nothing that has to survive: persistent state goes to <see cref="Store"/>, volatile
/// state to <see cref="Transient"/>. Throw <see cref="IsoException"/> to answer an error status word; any other
/// exception escaping an applet answers <c>6F00</c>. Every call runs inside the command's atomic unit: an error
/// status word undoes all NVM changes of the command, and a transaction left open is aborted when the call returns.
/// </summary>
public abstract class Applet
{
    private AppletServices? services;

    /// <summary>The AID this instance was installed under.</summary>
    protected Aid InstanceAid => Services.InstanceAid;

    /// <summary>The instance's persistent (NVM) key/value store.</summary>
    protected PersistentStore Store => Services.Store;

    /// <summary>The instance's transient (RAM) arrays, cleared on power loss and reset.</summary>
    protected TransientMemory Transient => Services.Transient;

    private AppletServices Services =>
        services ?? throw new InvalidOperationException("the applet is not attached to a card yet (do not use it from its constructor)");

    /// <summary>Runs once when the instance is created (INSTALL [for install]); <paramref name="parameters"/> is the value of tag C9.</summary>
    public virtual void Install(ReadOnlyMemory<byte> parameters)
    {
    }

    /// <summary>The instance becomes selected on a logical channel; throw <see cref="IsoException"/> to refuse.</summary>
    public virtual void Select()
    {
    }

    /// <summary>The instance stops being selected (another selection, channel closed, reset). Must not fail.</summary>
    public virtual void Deselect()
    {
    }

    /// <summary>Processes one command addressed to this instance; answer with <see cref="AppletApdu.Send(ReadOnlySpan{byte}, ushort)"/>.</summary>
    public abstract void Process(AppletApdu apdu);

    internal void Attach(AppletServices attached) => services = attached;
}

using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>What the runtime hands an applet object: its identity, persistent store and transient memory.</summary>
internal sealed record AppletServices(Aid InstanceAid, PersistentStore Store, TransientMemory Transient);

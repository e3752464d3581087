using System.Text;
using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Manager;

/// <summary>
/// The card manager of a powered card: the GlobalPlatform Issuer Security Domain, its persistent state in NVM
/// (<see cref="ManagerSlots"/>), and the live objects of applet instances. It installs itself into the card OS as
/// the application resolver and the implicitly selected application. All persistent state is read from NVM when
/// needed, so an aborted command can never leave a stale copy in RAM.
/// </summary>
public sealed class CardManager
{
    private readonly Dictionary<Aid, (NvmHandle State, ICardApplication Application)> live = [];
    private readonly IssuerSecurityDomain isd;

    internal CardManager(CardRuntime runtime)
    {
        Runtime = runtime;
        IsdAid = new Aid(runtime.Profile.IsdAidBytes);
        isd = new IssuerSecurityDomain(this);
        runtime.ApplicationResolver = Resolve;
        runtime.ImplicitSelection = () => CardLifeCycle is LifeCycles.OpReady or LifeCycles.Initialized or LifeCycles.Secured ? isd : null;
    }

    public Aid IsdAid { get; }

    /// <summary>The ISD as an application of the card OS.</summary>
    public ICardApplication Isd => isd;

    internal IssuerSecurityDomain IssuerSecurityDomain => isd;

    /// <summary>The card life cycle state (GP coding).</summary>
    public byte CardLifeCycle => State.LifeCycle;

    /// <summary>The registry entries (load files and application instances) in creation order.</summary>
    public IReadOnlyList<RegistryEntry> RegistryEntries => Registry.Load(Nvm);

    internal CardRuntime Runtime { get; }

    internal NonVolatileMemory Nvm => Runtime.Nvm;

    internal CardState State => CardState.Load(Nvm);

    /// <summary>Writes the card manager's initial state at card creation (inside the creation atomic unit).</summary>
    public static void Format(NonVolatileMemory nvm, CardProfile profile)
    {
        CardState.FromProfile(profile).Save(nvm);
        KeyStore.Save(nvm, KeyStore.FromProfile(profile));
        Registry.Save(nvm, []);
        if (profile.IssuanceKey is { } key)
        {
            Issuance.IssuanceKeyStore.Generate(nvm, Convert.FromHexString(key));
        }
        Issuance.IssuanceRecord.Empty.Save(nvm);
    }

    /// <summary>The canonical text of the manager's persistent state, for <see cref="SecureDevice.CanonicalDump"/>.</summary>
    public string Dump()
    {
        var text = new StringBuilder();
        text.Append(State.Describe()).Append('\n');
        foreach (var set in KeyStore.Load(Nvm))
        {
            text.Append(set.Describe()).Append('\n');
        }

        foreach (var entry in Registry.Load(Nvm))
        {
            text.Append(entry.Describe()).Append('\n');
        }

        if (PendingLoad.Load(Nvm) is { } pending)
        {
            text.Append(pending.Describe(Nvm)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The live application object of an instance, created by the applet runtime on first use.</summary>
    internal ICardApplication Open(RegistryEntry application, IReadOnlyList<RegistryEntry> registry)
    {
        if (live.TryGetValue(application.Aid, out var cached) && cached.State == application.Block)
        {
            return cached.Application;
        }

        var runtime = Runtime.AppletRuntime ?? throw new IsoException(StatusWords.FunctionNotSupported, "no applet runtime is configured on this card");
        var loadFile = registry.First(e => e.Kind == RegistryEntryKind.LoadFile && e.Aid == application.LoadFileAid);
        var opened = runtime.Open(loadFile.Block, application.ModuleAid, application.Aid, application.Block);
        live[application.Aid] = (application.Block, opened);
        return opened;
    }

    /// <summary>True when the live object of <paramref name="aid"/> is selected on any open channel.</summary>
    internal bool IsSelected(Aid aid) =>
        live.TryGetValue(aid, out var cached)
        && Enum.GetValues<CardInterface>().Select(Runtime.Session).OfType<InterfaceSession>()
            .SelectMany(s => s.OpenChannels).Any(c => ReferenceEquals(c.SelectedApplication, cached.Application));

    internal void Forget(Aid aid) => live.Remove(aid);

    /// <summary>The AID of a live applet object, or null.</summary>
    internal Aid? AidOfLive(ICardApplication application)
    {
        foreach (var (aid, (_, app)) in live)
        {
            if (ReferenceEquals(app, application))
            {
                return aid;
            }
        }

        return null;
    }

    /// <summary>Drops every live applet object (after CLEAR ISSUANCE put older content back).</summary>
    internal void ForgetAll() => live.Clear();

    /// <summary>SELECT by DF name: the ISD (also for an empty name), or a SELECTABLE application instance.</summary>
    private ICardApplication? Resolve(ReadOnlyMemory<byte> name)
    {
        if (name.IsEmpty || name.Span.SequenceEqual(IsdAid.Span))
        {
            return isd;
        }

        if (!Aid.TryCreate(name.Span, out var aid))
        {
            return null;
        }

        var registry = Registry.Load(Nvm);
        var entry = registry.FirstOrDefault(e => e.IsApplication && e.Aid == aid);
        if (entry is null || ((entry.LifeCycle & 0x07) != 0x07 && !LifeCycles.IsLocked(entry.LifeCycle)))
        {
            return null;
        }

        // SPEC §4.6: applications an unconfirmed self-issuance installed are not selectable from outside.
        if (Runtime.Issuance.HidesFromOutside(aid))
        {
            return null;
        }

        if (LifeCycles.IsLocked(entry.LifeCycle))
        {
            throw new IsoException(StatusWords.FunctionNotSupported, $"application {aid} is LOCKED");
        }

        var lifeCycle = CardLifeCycle;
        var finalApplication = (entry.Privileges[1] & 0x02) != 0;
        if (lifeCycle == LifeCycles.Terminated || (lifeCycle == LifeCycles.CardLocked && !finalApplication))
        {
            throw new IsoException(StatusWords.FunctionNotSupported, $"the card is {LifeCycles.CardName(lifeCycle)}");
        }

        return Runtime.AppletRuntime is null ? null : Open(entry, registry);
    }
}

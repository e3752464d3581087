using System.Collections.Concurrent;
using System.Reflection;
using Tessera.Card.Os;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Runtime;

/// <summary>
/// The applet runtime of one card (<see cref="IAppletRuntime"/>). Load file code is loaded once per process per
/// content (SHA-256) and shared by every card; each card keeps only its instances' live objects and transient
/// memory here, and their persistent state in its NVM (<see cref="PersistentStore"/>).
/// </summary>
public sealed class AppletRuntime : IAppletRuntime
{
    private static readonly ConcurrentDictionary<string, Lazy<LoadedPackage>> Code = new();

    private readonly Func<NonVolatileMemory> nvm;
    private readonly Dictionary<Aid, AppletInstance> live = [];
    private readonly Dictionary<Aid, TransientMemory> transients = [];

    /// <param name="nvm">the card's NVM of the current power cycle; load files are read from it through <see cref="LoadFileStorage"/>.</param>
    public AppletRuntime(Func<NonVolatileMemory> nvm)
    {
        ArgumentNullException.ThrowIfNull(nvm);
        this.nvm = nvm;
    }

    /// <summary>A runtime bound to one mounted NVM (one power cycle).</summary>
    public AppletRuntime(NonVolatileMemory nvm)
        : this(() => nvm)
    {
    }

    /// <summary>Distinct load files whose code is loaded in this process.</summary>
    public static int LoadedCodeCount => Code.Count;

    /// <summary>The shared assembly of the load file with this SHA-256 (hex), if it is loaded.</summary>
    public static Assembly? LoadedAssembly(string sha256) =>
        Code.TryGetValue(sha256, out var code) && code.IsValueCreated ? code.Value.Assembly : null;

    public LoadFileInfo Inspect(ReadOnlyMemory<byte> loadFileDataBlock) => Package(loadFileDataBlock).Info;

    public NvmHandle Install(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, ReadOnlyMemory<byte> installParameters)
    {
        var type = Module(loadFile, moduleAid);
        var memory = nvm();
        var state = StoreLayout.Create(memory);
        live.Remove(instanceAid);
        transients.Remove(instanceAid);
        var instance = Create(type, moduleAid, instanceAid, state);
        instance.Install(installParameters);
        return state;
    }

    public ICardApplication Open(NvmHandle loadFile, Aid moduleAid, Aid instanceAid, NvmHandle instanceState)
    {
        if (live.TryGetValue(instanceAid, out var cached) && cached.State == instanceState && cached.ModuleAid == moduleAid)
        {
            return cached;
        }

        var instance = Create(Module(loadFile, moduleAid), moduleAid, instanceAid, instanceState);
        live[instanceAid] = instance;
        return instance;
    }

    public void Uninstall(Aid instanceAid, NvmHandle instanceState)
    {
        var memory = nvm();
        if (StoreLayout.IsStore(memory, instanceState))
        {
            StoreLayout.Free(memory, instanceState);
        }

        live.Remove(instanceAid);
        transients.Remove(instanceAid);
    }

    public void PowerReset()
    {
        live.Clear();
        transients.Clear();
    }

    private static LoadedPackage Package(ReadOnlyMemory<byte> bytes)
    {
        var sha = LoadedPackage.HashOf(bytes.Span);
        var code = Code.GetOrAdd(sha, key => new Lazy<LoadedPackage>(() => LoadedPackage.Load(bytes.ToArray(), key)));
        try
        {
            return code.Value;
        }
        catch
        {
            Code.TryRemove(new KeyValuePair<string, Lazy<LoadedPackage>>(sha, code));
            throw;
        }
    }

    /// <summary>
    /// The applet class of a module of a stored load file. Code already loaded in this process is found by the content
    /// hash the load file index records, so the chunks are read (and hashed) only the first time.
    /// </summary>
    private Type Module(NvmHandle loadFile, Aid moduleAid)
    {
        var memory = nvm();
        var package = Code.TryGetValue(LoadFileStorage.ContentHash(memory, loadFile), out var code) && code.IsValueCreated
            ? code.Value
            : Package(LoadFileStorage.Read(memory, loadFile));
        return package.Module(moduleAid)
            ?? throw new IsoException(StatusWords.ReferencedDataNotFound, $"the load file has no applet module {moduleAid}");
    }

    private AppletInstance Create(Type type, Aid moduleAid, Aid instanceAid, NvmHandle state)
    {
        if (!transients.TryGetValue(instanceAid, out var transient))
        {
            transient = new TransientMemory();
            transients[instanceAid] = transient;
        }

        Applet applet;
        try
        {
            applet = (Applet)Activator.CreateInstance(type)!;
        }
        catch (TargetInvocationException e)
        {
            throw new IsoException(StatusWords.NoPreciseDiagnosis, $"the constructor of applet {type.FullName} failed: {e.InnerException?.Message}");
        }

        return new AppletInstance(nvm, applet, moduleAid, instanceAid, state, transient);
    }
}

using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Card.Storage;
using Tessera.Iso7816;

namespace Tessera.Card.Tests.Runtime;

/// <summary>
/// A minimal card around <see cref="AppletRuntime"/> for tests (the card manager stands aside): an in-memory NVM with a
/// tear trigger, a registry kept in the test, one logical channel, and commands run in one atomic unit each with the
/// OS's rules (error status word or exception: nothing stays; a tear propagates).
/// </summary>
internal sealed class AppletBench
{
    private readonly MemoryMedium medium;
    private readonly Dictionary<Aid, (NvmHandle LoadFile, Aid Module, NvmHandle State)> registry = [];
    private LogicalChannel channel = new(0);

    public AppletBench(int capacity = 256 * 1024)
    {
        medium = new MemoryMedium(capacity);
        Nvm = NonVolatileMemory.Format(medium);
        Runtime = new AppletRuntime(() => Nvm);
    }

    public static byte[] AppletsLoadFile => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Tessera.Applets.dll"));

    public NonVolatileMemory Nvm { get; private set; }

    public AppletRuntime Runtime { get; }

    public TearTrigger Tear { get; } = new();

    /// <summary>Whether the channel carries an authenticated ISD secure channel (STORE DATA forwarding).</summary>
    public bool IsdSecureChannel
    {
        get => channel.IsdSecureChannelAuthenticated;
        set => channel.IsdSecureChannelAuthenticated = value;
    }

    public ICardApplication? Selected => channel.SelectedApplication;

    /// <summary>Inspects and stores a load file as one chunk and its index (<see cref="LoadFileStorage"/>), as the card manager would.</summary>
    public NvmHandle Load(byte[] loadFile)
    {
        Runtime.Inspect(loadFile);
        return Atomically(() =>
        {
            var chunk = Nvm.Allocate(loadFile.Length);
            Nvm.Write(chunk, 0, loadFile);
            return LoadFileStorage.Create(Nvm, [chunk], 0, System.Security.Cryptography.SHA256.HashData(loadFile));
        });
    }

    public NvmHandle Install(NvmHandle loadFile, string module, string instance, byte[]? parameters = null)
    {
        var state = Atomically(() => Runtime.Install(loadFile, Aid.Parse(module), Aid.Parse(instance), parameters ?? []));
        registry[Aid.Parse(instance)] = (loadFile, Aid.Parse(module), state);
        return state;
    }

    public void Uninstall(string instance)
    {
        var aid = Aid.Parse(instance);
        var entry = registry[aid];
        Atomically(() =>
        {
            Runtime.Uninstall(aid, entry.State);
            return 0;
        });
        registry.Remove(aid);
    }

    /// <summary>Selects an instance; the status word of its Select (9000 or an IsoException's).</summary>
    public ushort Select(string instance)
    {
        var (loadFile, module, state) = registry[Aid.Parse(instance)];
        channel.SelectedApplication?.Deselect(channel);
        channel.SelectedApplication = null;
        var application = Runtime.Open(loadFile, module, Aid.Parse(instance), state);
        try
        {
            Atomically(() =>
            {
                application.Select(channel);
                return 0;
            });
        }
        catch (IsoException e)
        {
            return e.StatusWord.Value;
        }

        channel.SelectedApplication = application;
        return 0x9000;
    }

    /// <summary>Sends a command (hex) to the selected instance.</summary>
    public (byte[] Data, ushort Sw) Send(string hex) => Send(CommandApdu.Parse(Hex.Parse(hex)));

    public (byte[] Data, ushort Sw) Send(CommandApdu apdu)
    {
        var application = channel.SelectedApplication ?? throw new InvalidOperationException("nothing selected");
        var context = new CommandContext(apdu, channel, CardInterface.Contact, null!);
        Nvm.BeginAtomic();
        CommandResponse response;
        try
        {
            response = application.Process(context);
        }
        catch (IsoException e)
        {
            Nvm.AbortAtomic();
            return ([], e.StatusWord.Value);
        }
        catch (NvmFullException)
        {
            Nvm.AbortAtomic();
            return ([], 0x6A84);
        }
        catch (CardTornException)
        {
            throw;
        }
        catch (Exception)
        {
            Nvm.AbortAtomic();
            return ([], 0x6F00);
        }

        if (response.StatusWord.Sw1 is not (0x90 or 0x61 or 0x62 or 0x63))
        {
            Nvm.AbortAtomic();
        }
        else
        {
            Nvm.CommitAtomic();
        }

        return (response.Data.ToArray(), response.StatusWord.Value);
    }

    /// <summary>Sends and asserts the status word; returns the data.</summary>
    public byte[] Expect(string hex, ushort sw)
    {
        var (data, actual) = Send(hex);
        Assert.True(actual == sw, $"{hex}: expected {sw:X4}, got {actual:X4}");
        return data;
    }

    /// <summary>Power off and on (after a tear too): NVM is mounted and recovered, volatile state is gone.</summary>
    public void PowerCycle()
    {
        if (!Nvm.InAtomic)
        {
            channel.SelectedApplication?.Deselect(channel);
        }

        channel = new LogicalChannel(0);
        Runtime.PowerReset();
        Tear.PowerOn();
        Nvm = NonVolatileMemory.Mount(medium, Tear);
    }

    /// <summary>Remounts with the trigger attached, so that its write count starts now.</summary>
    public void AttachTear() => PowerCycle();

    private T Atomically<T>(Func<T> action)
    {
        Nvm.BeginAtomic();
        try
        {
            var result = action();
            Nvm.CommitAtomic();
            return result;
        }
        catch (CardTornException)
        {
            throw;
        }
        catch
        {
            Nvm.AbortAtomic();
            throw;
        }
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Card.FileSystem;
using Tessera.Card.Issuance;
using Tessera.Card.Manager;
using Tessera.Card.Os;
using Tessera.Card.Runtime;
using Tessera.Card.Storage;

namespace Tessera.Card;

/// <summary>
/// A Tessera secure device: one chip with its NVM, reachable through the contact, contactless and memory
/// interfaces. This is the card's only door (ARCHITECTURE.md): power, <see cref="Transmit"/> and the memory
/// interface. All access is serialised on the chip. A tear is caught here, at the power boundary: the chip goes
/// unpowered, the command in flight gets no answer (<see cref="CardMuteException"/>), and the next power-on recovers
/// the NVM before the ATR is answered.
/// </summary>
public sealed class SecureDevice : IDisposable
{
    private readonly object chip = new();
    private readonly INvmMedium medium;
    private readonly ILogger logger;
    private readonly TearTrigger tear;
    private CardRuntime? runtime;
    private Task? background;
    private bool disposed;

    private SecureDevice(INvmMedium medium, CardProfile profile, ILoggerFactory? loggerFactory)
    {
        this.medium = medium;
        Profile = profile;
        logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<SecureDevice>();
        Atr = profile.AtrBytes;
        tear = new TearTrigger();
        tear.Torn += write => Events.Record(CardEventKind.Tear, $"power lost at physical NVM write {write}");
    }

    public CardProfile Profile { get; }

    public byte[] Atr { get; }

    public CardEventLog Events { get; } = new();

    /// <summary>
    /// Creates the applet runtime of the card each time the chip is powered (null: none, so INSTALL [for load],
    /// [for install] and LOAD answer <c>6A81</c>). Set it before the first power-on.
    /// </summary>
    public Func<CardRuntime, IAppletRuntime?>? AppletRuntimeFactory { get; set; }

    /// <summary>Creates a card whose NVM lives in memory.</summary>
    public static SecureDevice Create(CardProfile? profile = null, ILoggerFactory? loggerFactory = null)
    {
        var p = (profile ?? CardProfile.Default).Validated().WithSerialNumberAssigned();
        var medium = new MemoryMedium(p.NvmCapacity, p.PageSize);
        Format(medium, p);
        return new SecureDevice(medium, p, loggerFactory);
    }

    /// <summary>Creates a card whose NVM lives in an image file (overwriting nothing: the file must not exist).</summary>
    public static SecureDevice CreateImage(string path, CardProfile? profile = null, ILoggerFactory? loggerFactory = null)
    {
        var p = (profile ?? CardProfile.Default).Validated().WithSerialNumberAssigned();
        var medium = ImageFileMedium.Create(path, p.NvmCapacity, p.PageSize, System.Text.Encoding.UTF8.GetBytes(p.ToJson()));
        try
        {
            Format(medium, p);
        }
        catch
        {
            medium.Dispose();
            File.Delete(path);
            throw;
        }

        return new SecureDevice(medium, p, loggerFactory);
    }

    /// <summary>Opens a card image; its NVM is recovered at the first power-on, exactly as after a tear.</summary>
    public static SecureDevice OpenImage(string path, ILoggerFactory? loggerFactory = null)
    {
        var medium = ImageFileMedium.Open(path);
        try
        {
            var profile = CardProfile.FromJson(System.Text.Encoding.UTF8.GetString(medium.Metadata.Span));
            return new SecureDevice(medium, profile, loggerFactory);
        }
        catch
        {
            medium.Dispose();
            throw;
        }
    }

    public bool IsPowered(CardInterface cardInterface)
    {
        lock (chip)
        {
            return runtime?.IsPowered(cardInterface) ?? false;
        }
    }

    /// <summary>Physical NVM page writes since the last power-on (0 when unpowered).</summary>
    public long PhysicalWritesSincePowerOn
    {
        get
        {
            lock (chip)
            {
                return runtime?.Nvm.PhysicalWrites ?? 0;
            }
        }
    }

    /// <summary>Cold reset on an APDU interface: powers the chip if needed (recovering NVM) and returns the ATR.</summary>
    public byte[] PowerOn(CardInterface cardInterface = CardInterface.Contact)
    {
        RequireApduInterface(cardInterface);
        lock (chip)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            var booted = Boot();
            runtime!.Activate(cardInterface);
            Events.Record(CardEventKind.PowerOn, $"{cardInterface}{(booted ? " (chip powered, NVM recovered)" : string.Empty)}");
            return (byte[])Atr.Clone();
        }
    }

    /// <summary>Removes power from an interface; when no interface is powered any more, the chip is off.</summary>
    public void PowerOff(CardInterface cardInterface = CardInterface.Contact)
    {
        RequireApduInterface(cardInterface);
        lock (chip)
        {
            if (runtime is null)
            {
                return;
            }

            runtime.Deactivate(cardInterface);
            Events.Record(CardEventKind.PowerOff, cardInterface.ToString());
            if (!runtime.AnyInterfacePowered)
            {
                runtime = null;
            }
        }
    }

    /// <summary>Warm reset of an interface: its channels, sessions and selections are cleared; returns the ATR.</summary>
    public byte[] Reset(CardInterface cardInterface = CardInterface.Contact)
    {
        RequireApduInterface(cardInterface);
        lock (chip)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            Boot();
            runtime!.Activate(cardInterface);
            Events.Record(CardEventKind.Reset, cardInterface.ToString());
            return (byte[])Atr.Clone();
        }
    }

    /// <summary>Sends one command APDU on an APDU interface and returns the response APDU bytes.</summary>
    /// <exception cref="CardMuteException">the interface is not powered, or the card tore during the command.</exception>
    public byte[] Transmit(CardInterface cardInterface, ReadOnlyMemory<byte> command)
    {
        RequireApduInterface(cardInterface);
        lock (chip)
        {
            if (runtime is null || !runtime.IsPowered(cardInterface))
            {
                throw new CardMuteException($"the card is not powered on its {cardInterface.ToString().ToLowerInvariant()} interface; power it on first");
            }

            if (runtime.Issuance.Privileged)
            {
                // SPEC §4.5: privileged mode refuses every command from outside, on every channel and interface.
                return [0x69, 0x85];
            }

            try
            {
                var response = runtime.Transmit(cardInterface, command);
                if (runtime.Issuance.BackgroundRequested)
                {
                    runtime.Issuance.BackgroundRequested = false;
                    StartBackgroundIssuance(runtime);
                }

                return response;
            }
            catch (CardTornException e)
            {
                runtime = null;
                logger.LogInformation("card tore during a command: {Message}", e.Message);
                throw new CardMuteException($"the card lost power during the command ({e.Message}); power it on again to recover");
            }
        }
    }

    /// <summary>
    /// Waits until a self-issuance started with START P2 <c>01</c> has ended (completed, failed, interrupted or torn);
    /// returns false on timeout. For tests and tools; a host learns the end from GET ISSUANCE STATUS.
    /// </summary>
    public bool WaitForBackgroundIssuance(TimeSpan timeout)
    {
        Task? running;
        lock (chip)
        {
            running = background;
        }

        return running is null || running.Wait(timeout);
    }

    /// <summary>Runs the issuance one command per turn of the chip lock, so that outside commands meet the privileged mode.</summary>
    private void StartBackgroundIssuance(CardRuntime owner)
    {
        background = Task.Run(() =>
        {
            while (true)
            {
                lock (chip)
                {
                    if (!ReferenceEquals(runtime, owner) || !owner.Issuance.Privileged)
                    {
                        return;
                    }

                    try
                    {
                        if (!owner.Issuance.Step())
                        {
                            return;
                        }
                    }
                    catch (CardTornException e)
                    {
                        runtime = null;
                        logger.LogInformation("card tore during a background self-issuance: {Message}", e.Message);
                        return;
                    }
                    catch (Exception e)
                    {
                        logger.LogWarning(e, "background self-issuance stopped by an internal error");
                        Events.Record(CardEventKind.InternalError, $"background self-issuance: {e.GetType().Name}: {e.Message}");
                        owner.Issuance.Interrupt();
                        return;
                    }
                }

                // Let a waiting outside command take the chip between two script commands (it meets the privileged mode).
                Thread.Yield();
            }
        });
    }

    /// <summary>
    /// Writes into a command storage EF through the memory interface (SPEC §4.2): any amount in one call, to an EF
    /// whose direct-access flag is set, once an ISD secure channel was authenticated in this power cycle. A write at
    /// offset 0 to an FID that command storage does not hold yet saves the data as a new EF of exactly that size
    /// (direct access allowed, access conditions <c>30</c>), as the seed's direct access saves a simultaneous command
    /// "in a file identifiable by its file ID" (PROTOCOL.md). The bytes are written in atomic steps of at most
    /// <see cref="MemoryWriteStep"/> bytes (a tear keeps a prefix of the write; the EF's creation is in the first).
    /// </summary>
    /// <exception cref="MemoryAccessException">refused; nothing was written.</exception>
    /// <exception cref="CardMuteException">the card is not powered, or tore during the write.</exception>
    public void MemoryWrite(ushort fid, int offset, ReadOnlySpan<byte> data)
    {
        lock (chip)
        {
            var (powered, ef) = MemoryTarget(fid, offset, data.Length, createIfAbsent: offset == 0 && !data.IsEmpty);
            try
            {
                // Steps of at most half a journal (less on small cards than MemoryWriteStep).
                var step = Math.Max(powered.Nvm.Layout.PageSize, Math.Min(MemoryWriteStep, ((powered.Nvm.MaxUnitPages / 2) - 4) * powered.Nvm.Layout.PageSize));
                var done = 0;
                do
                {
                    var n = Math.Min(step, data.Length - done);
                    var part = data.Slice(done, n);
                    powered.Nvm.BeginAtomic();
                    try
                    {
                        ef ??= CreateCommandStorageEf(powered, fid, data.Length);
                        powered.Files.WriteContent(ef, offset + done, part);
                        powered.Nvm.CommitAtomic();
                    }
                    catch (NvmFullException e)
                    {
                        powered.Nvm.AbortAtomic();
                        powered.ReloadFromNvm();
                        throw new MemoryAccessException(MemoryAccessError.OutOfRange, $"the card cannot take this write ({e.Message}); {done} of {data.Length} bytes were written");
                    }

                    done += n;
                }
                while (done < data.Length);
            }
            catch (CardTornException e)
            {
                runtime = null;
                throw new CardMuteException($"the card lost power during a memory-interface write ({e.Message}); power it on again to recover");
            }
        }
    }

    /// <summary>Bytes of one atomic step of a memory-interface write (128 pages of 256 bytes).</summary>
    public const int MemoryWriteStep = 32 * 1024;

    /// <summary>Reads from a command storage EF through the memory interface (SPEC §4.2).</summary>
    /// <exception cref="MemoryAccessException">refused.</exception>
    public byte[] MemoryRead(ushort fid, int offset, int length)
    {
        lock (chip)
        {
            var (powered, ef) = MemoryTarget(fid, offset, length, createIfAbsent: false);
            var bytes = new byte[length];
            powered.Files.ReadContent(ef!, offset, bytes);
            return bytes;
        }
    }

    /// <summary>Arms a tear at physical NVM write <paramref name="write"/> (1-based), counted from the next power-on.</summary>
    public void ArmTearAtWrite(long write)
    {
        lock (chip)
        {
            tear.ArmAtWrite(write);
            Events.Record(CardEventKind.TearArmed, $"at physical write {write} after the next power-on");
        }
    }

    /// <summary>Arms a tear at a random physical write in [<paramref name="from"/>, <paramref name="to"/>], reproducible by seed.</summary>
    public void ArmTearInRange(long from, long to, int seed)
    {
        lock (chip)
        {
            var write = tear.ArmRandom(from, to, seed);
            Events.Record(CardEventKind.TearArmed, $"at random physical write {write} in [{from}, {to}] (seed {seed}) after the next power-on");
        }
    }

    public void DisarmTear()
    {
        lock (chip)
        {
            tear.Disarm();
        }
    }

    /// <summary>
    /// A canonical text dump of all persistent card content (file system with contents, free NVM), used to compare
    /// card states in tests and shown by <c>tessera card info</c>. Powers the chip for the dump if it is off.
    /// </summary>
    public string CanonicalDump()
    {
        lock (chip)
        {
            var wasOff = runtime is null;
            Boot(forInspection: true);
            try
            {
                return CardDump.Write(runtime!);
            }
            finally
            {
                if (wasOff)
                {
                    runtime = null;
                }
            }
        }
    }

    /// <summary>
    /// The path from the MF (MF excluded) of the current file (EF, else DF) of a logical channel, for diagnostics and
    /// tests; empty when the MF is current or the channel is not open.
    /// </summary>
    public byte[] CurrentFilePath(CardInterface cardInterface, int channelNumber)
    {
        lock (chip)
        {
            var channel = runtime?.Session(cardInterface)?.Channel(channelNumber);
            if (channel is null)
            {
                return [];
            }

            var file = runtime!.Files.FindNode(channel.CurrentEf ?? channel.CurrentDf) ?? runtime.Files.Mf;
            return file.Path.Skip(1).SelectMany(fid => new[] { (byte)(fid >> 8), (byte)fid }).ToArray();
        }
    }

    /// <summary>NVM figures of the card (powers the chip for the reading if it is off).</summary>
    public (int Capacity, int Free) NvmUsage()
    {
        lock (chip)
        {
            var wasOff = runtime is null;
            Boot(forInspection: true);
            var usage = (runtime!.Nvm.Capacity, runtime.Nvm.FreeBytes);
            if (wasOff)
            {
                runtime = null;
            }

            return usage;
        }
    }

    public void Dispose()
    {
        lock (chip)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
            runtime = null;
            medium.Flush();
            medium.Dispose();
        }
    }

    private static void Format(INvmMedium medium, CardProfile profile)
    {
        var nvm = NonVolatileMemory.Format(medium);
        nvm.BeginAtomic();
        var files = CardFileSystem.Format(nvm, profile.OpenFileSystem);
        CardManager.Format(nvm, profile);
        nvm.CommitAtomic();
        CommandStorageTable.Install(nvm, files, profile.CommandStorage ?? []);
        medium.Flush();
    }

    private static void RequireApduInterface(CardInterface cardInterface)
    {
        if (cardInterface == CardInterface.Memory)
        {
            throw new ArgumentException("the memory interface carries no APDUs; use MemoryWrite/MemoryRead", nameof(cardInterface));
        }
    }

    private static CardFile CreateCommandStorageEf(CardRuntime powered, ushort fid, int size)
    {
        var secure = AccessCondition.IsdSecureChannel;
        try
        {
            return powered.Files.Create(powered.Files.CommandStorage, new FileSpec(FileKind.TransparentEf, fid, null, size, CardFile.DirectAccessFlag, new AccessRules(secure, secure, secure, AccessCondition.Always)));
        }
        catch (IsoException e)
        {
            powered.Nvm.AbortAtomic();
            powered.ReloadFromNvm();
            throw new MemoryAccessException(MemoryAccessError.AccessDenied, $"EF {fid:X4} cannot be created in command storage: {e.Message}");
        }
    }

    private (CardRuntime Runtime, CardFile? Ef) MemoryTarget(ushort fid, int offset, int length, bool createIfAbsent)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (runtime is null)
        {
            throw new CardMuteException("the card is not powered; power it on first");
        }

        if (runtime.Issuance.Privileged)
        {
            throw new MemoryAccessException(MemoryAccessError.Busy, "the card is busy: a self-issuance is running (privileged mode)");
        }

        if (!runtime.MemorySessionAuthorised)
        {
            throw new MemoryAccessException(MemoryAccessError.AccessDenied, "no memory-interface session: authenticate an ISD secure channel on an APDU interface first");
        }

        var ef = runtime.Files.CommandStorage.Child(fid);
        if (ef is null && createIfAbsent)
        {
            return (runtime, null);
        }

        if (ef is null || ef.IsDf)
        {
            throw new MemoryAccessException(MemoryAccessError.NotFound, $"command storage has no EF {fid:X4}");
        }

        if (!ef.DirectAccess)
        {
            throw new MemoryAccessException(MemoryAccessError.AccessDenied, $"EF {fid:X4} does not allow direct access (its C0 flag bit 0 is not set)");
        }

        if (offset < 0 || length < 0 || offset > ef.Size - length)
        {
            throw new MemoryAccessException(MemoryAccessError.OutOfRange, $"{length} bytes at offset {offset} are outside the {ef.Size}-byte EF {fid:X4}");
        }

        return (runtime, ef);
    }

    /// <summary>Powers the chip if it is off: the physical write counter restarts and NVM is recovered.</summary>
    /// <param name="forInspection">
    /// A power-up only to read the card (dump, NVM figures) while it is off: it neither counts as "the next power-on"
    /// for an armed tear nor tears itself, so a tear plan waits for the real power-on.
    /// </param>
    private bool Boot(bool forInspection = false)
    {
        if (runtime is not null)
        {
            return false;
        }

        if (!forInspection)
        {
            tear.PowerOn();
        }

        NonVolatileMemory nvm;
        try
        {
            nvm = NonVolatileMemory.Mount(medium, forInspection ? null : tear);
        }
        catch (CardTornException e)
        {
            throw new CardMuteException($"the card lost power while recovering its NVM ({e.Message}); power it on again");
        }

        runtime = new CardRuntime(Profile, nvm, Events, logger);
        runtime.AppletRuntime = AppletRuntimeFactory?.Invoke(runtime);
        runtime.AppletRuntime?.PowerReset();
        Events.Record(CardEventKind.Recovered, $"NVM mounted, {nvm.FreeBytes} of {nvm.Capacity} bytes free");
        return true;
    }
}

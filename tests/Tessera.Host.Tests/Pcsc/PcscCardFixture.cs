using System.Diagnostics;
using Tessera.Card;
using Tessera.Card.Attachments;
using Tessera.Card.Runtime;
using Tessera.Host.Pcsc;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// One card attached to pcscd's vpcd slots for all PC/SC tests (shared through <see cref="PcscCollection"/>, so the
/// tests that use the slots run one at a time). Swapping cards in a vpcd slot between tests would race pcscd's
/// presence polling (it may never notice the swap and leave the new card unpowered), so the card stays. It has the
/// applet runtime, so a host can load and install applets on it.
/// </summary>
public sealed class PcscCardFixture : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);
    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<int, (VpcdAttachment Attachment, Task Run)> slots = [];

    public PcscCardFixture()
    {
        Device.AppletRuntimeFactory = runtime => new AppletRuntime(runtime.Nvm);
    }

    public SecureDevice Device { get; } = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true });

    public static string ReaderOf(int slot) => slot == 0 ? PcscEnvironment.Reader0 : PcscEnvironment.Reader1;

    /// <summary>The attachment serving a slot (after <see cref="Attach"/>).</summary>
    public VpcdAttachment Attachment(int slot)
    {
        lock (slots)
        {
            return slots[slot].Attachment;
        }
    }

    public void Attach(CardInterface cardInterface, int slot)
    {
        lock (slots)
        {
            if (!slots.ContainsKey(slot))
            {
                var attachment = new VpcdAttachment(Device, cardInterface, "127.0.0.1", VpcdAttachment.DefaultPort + slot, reversed: false) { ReconnectDelay = TimeSpan.FromMilliseconds(50) };
                slots[slot] = (attachment, Task.Run(() => attachment.RunAsync(stop.Token)));
                Assert.True(WaitUntil(() => attachment.Connections > 0), $"the card did not attach to vpcd slot {slot}");
            }
        }

        // pcscd notices a new card on its next presence poll; wait until it lets a client connect.
        using var probe = new PcscConnection(ReaderOf(slot), Patience);
        probe.PowerOn();
    }

    /// <summary>
    /// Has pcscd power off the card interface of an attached slot (another test may have left it powered, and a
    /// powered interface keeps the chip powered across power cycles of the other one).
    /// </summary>
    public void PowerOff(CardInterface cardInterface, int slot)
    {
        lock (slots)
        {
            if (!slots.ContainsKey(slot))
            {
                return;
            }
        }

        using (var connection = new PcscConnection(ReaderOf(slot), Patience))
        {
            connection.PowerOn();
            connection.PowerOff();
        }

        // vpcd sends its power-off without waiting for the card, so wait until the card has it.
        Assert.True(WaitUntil(() => !Device.IsPowered(cardInterface)), $"the {cardInterface} interface is still powered");
    }

    public void Dispose()
    {
        stop.Cancel();
        Task.WaitAll([.. slots.Values.Select(s => s.Run)], TimeSpan.FromSeconds(10));
        stop.Dispose();
        Device.Dispose();
    }

    private static bool WaitUntil(Func<bool> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!condition())
        {
            if (waited.Elapsed > Patience)
            {
                return false;
            }

            Thread.Sleep(10);
        }

        return true;
    }
}

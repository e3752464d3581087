using System.Diagnostics;
using Tessera.Card;
using Tessera.Card.Attachments;
using Tessera.Host.Pcsc;

namespace Tessera.Host.Tests.Pcsc;

/// <summary>
/// One card attached to pcscd's vpcd slots for all PC/SC tests. Swapping cards in a vpcd slot between tests would race
/// pcscd's presence polling (it may never notice the swap and leave the new card unpowered), so the card stays.
/// </summary>
public sealed class PcscCardFixture : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<int, (VpcdAttachment Attachment, Task Run)> slots = [];

    public SecureDevice Device { get; } = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true });

    public void Attach(CardInterface cardInterface, int slot)
    {
        lock (slots)
        {
            if (!slots.ContainsKey(slot))
            {
                var attachment = new VpcdAttachment(Device, cardInterface, "127.0.0.1", VpcdAttachment.DefaultPort + slot, reversed: false) { ReconnectDelay = TimeSpan.FromMilliseconds(50) };
                slots[slot] = (attachment, Task.Run(() => attachment.RunAsync(stop.Token)));
                var waited = Stopwatch.StartNew();
                while (attachment.Connections == 0 && waited.Elapsed < TimeSpan.FromSeconds(15))
                {
                    Thread.Sleep(20);
                }

                Assert.True(attachment.Connections > 0, $"the card did not attach to vpcd slot {slot}");
            }
        }

        // pcscd notices a new card on its next presence poll; wait until it lets a client connect.
        using var probe = new PcscConnection(slot == 0 ? PcscEnvironment.Reader0 : PcscEnvironment.Reader1, TimeSpan.FromSeconds(15));
        probe.PowerOn();
    }

    public void Dispose()
    {
        stop.Cancel();
        Task.WaitAll([.. slots.Values.Select(s => s.Run)], TimeSpan.FromSeconds(10));
        stop.Dispose();
        Device.Dispose();
    }
}

using System.Runtime.InteropServices;
using System.Text;

namespace Tessera.Host.Pcsc;

/// <summary>A pcsc-lite resource manager context: lists readers and opens connections.</summary>
public sealed class PcscContext : IDisposable
{
    private nint handle;

    private PcscContext(nint handle)
    {
        this.handle = handle;
    }

    internal nint Handle => handle != 0 ? handle : throw new ObjectDisposedException(nameof(PcscContext));

    /// <summary>Establishes a context; throws <see cref="PcscException"/> when pcscd is not running.</summary>
    public static PcscContext Establish()
    {
        try
        {
            var rc = (long)PcscNative.SCardEstablishContext(PcscNative.ScopeSystem, 0, 0, out var context);
            return rc == PcscNative.Success ? new PcscContext(context) : throw new PcscException("SCardEstablishContext", rc);
        }
        catch (DllNotFoundException e)
        {
            throw new PcscException($"loading {PcscNative.Library} ({e.Message}); install pcsc-lite (apt-get install pcscd)", PcscNative.NoService);
        }
    }

    /// <summary>The reader names pcscd knows, in its order; empty when there is none.</summary>
    public IReadOnlyList<string> ListReaders()
    {
        nuint length = 0;
        var rc = (long)PcscNative.SCardListReaders(Handle, 0, null, ref length);
        if (rc == PcscNative.NoReadersAvailable)
        {
            return [];
        }

        Check("SCardListReaders", rc);
        var buffer = new byte[(int)length];
        Check("SCardListReaders", (long)PcscNative.SCardListReaders(Handle, 0, buffer, ref length));
        return Encoding.UTF8.GetString(buffer, 0, (int)length).Split('\0', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// What pcscd says about a reader right now, without connecting: whether a card is in it (and its ATR), and
    /// whether a client is connected. Passive: it neither powers nor resets the card.
    /// </summary>
    public PcscReaderState GetReaderState(string reader)
    {
        var name = Marshal.StringToCoTaskMemUTF8(reader);
        try
        {
            var state = new PcscNative.ReaderState { Reader = name, CurrentState = PcscNative.StateUnaware };
            Check("SCardGetStatusChange", (long)PcscNative.SCardGetStatusChange(Handle, 0, ref state, 1));
            var flags = (uint)state.EventState;
            var atr = ((ReadOnlySpan<byte>)state.Atr)[..(int)Math.Min(state.AtrLength, 33)].ToArray();
            return new PcscReaderState(reader, (flags & PcscNative.StatePresent) != 0, (flags & PcscNative.StateInUse) != 0, (flags & PcscNative.StateMute) != 0, atr);
        }
        finally
        {
            Marshal.FreeCoTaskMem(name);
        }
    }

    public void Dispose()
    {
        if (handle != 0)
        {
            PcscNative.SCardReleaseContext(handle);
            handle = 0;
        }
    }

    internal static void Check(string operation, long rc)
    {
        if (rc != PcscNative.Success)
        {
            throw new PcscException(operation, rc);
        }
    }
}

/// <summary>A reader as pcscd sees it (<see cref="PcscContext.GetReaderState"/>).</summary>
/// <param name="CardPresent">a card is in the reader.</param>
/// <param name="InUse">a client is connected to the card.</param>
/// <param name="Mute">the card did not answer its power-on.</param>
/// <param name="Atr">the card's ATR; empty when no card is in the reader or it is mute.</param>
public sealed record PcscReaderState(string Reader, bool CardPresent, bool InUse, bool Mute, byte[] Atr);

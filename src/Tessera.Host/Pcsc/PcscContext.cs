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

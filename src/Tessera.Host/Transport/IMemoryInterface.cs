namespace Tessera.Host.Transport;

/// <summary>Block access to command storage files (SPEC §4.2), the "direct access" path of a secure memory card.</summary>
public interface IMemoryInterface
{
    void Write(ushort fid, int offset, ReadOnlySpan<byte> data);

    byte[] Read(ushort fid, int offset, int length);
}

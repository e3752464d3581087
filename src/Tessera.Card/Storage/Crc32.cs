namespace Tessera.Card.Storage;

/// <summary>
/// CRC-32/IEEE 802.3 (the zip/PNG CRC): reflected, polynomial <c>04C11DB7</c> (<c>EDB88320</c> reflected), initial
/// value and final xor <c>FFFFFFFF</c>. Check value: "123456789" gives <c>CBF43926</c>.
/// </summary>
public static class Crc32
{
    /// <summary>The running state before any byte (use with <see cref="Append"/> and <see cref="Finish"/>).</summary>
    public const uint Initial = 0xFFFFFFFF;

    private const uint ReflectedPolynomial = 0xEDB88320;

    // Immutable after the type initialiser: a lookup table, not state.
    private static readonly uint[] Table = CreateTable();

    public static uint Compute(ReadOnlySpan<byte> data) => Finish(Append(Initial, data));

    /// <summary>Feeds more bytes into a running state that started at <see cref="Initial"/>.</summary>
    public static uint Append(uint state, ReadOnlySpan<byte> data)
    {
        var table = Table;
        foreach (var b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return state;
    }

    public static uint Finish(uint state) => ~state;

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var bit = 0; bit < 8; bit++)
            {
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}

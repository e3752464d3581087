namespace Tessera.Iso7816.Tests;

internal static class TestBytes
{
    /// <summary>Hex to bytes, for test data written as it appears in specifications and traces.</summary>
    public static byte[] H(string hex) => Hex.Parse(hex);

    public static byte[] Repeat(byte value, int count)
    {
        var bytes = new byte[count];
        Array.Fill(bytes, value);
        return bytes;
    }

    /// <summary>A deterministic non-constant pattern of <paramref name="count"/> bytes.</summary>
    public static byte[] Pattern(int count, int seed = 0)
    {
        var bytes = new byte[count];
        for (var i = 0; i < count; i++)
        {
            bytes[i] = (byte)((i * 31) + seed + (i >> 8));
        }

        return bytes;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}

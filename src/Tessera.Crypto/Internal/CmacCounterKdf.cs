namespace Tessera.Crypto.Internal;

/// <summary>
/// NIST SP 800-108 KDF in counter mode with AES-CMAC as PRF and a one-byte counter placed between two fixed
/// parts: block i = CMAC(key, <c>before ‖ i ‖ after</c>) for i = 1, 2, …; the output is the blocks
/// concatenated and cut to the requested length. Both the SCP03 KDF and the KDF3 key diversification use it.
/// </summary>
internal static class CmacCounterKdf
{
    public static byte[] Derive(ReadOnlySpan<byte> key, ReadOnlySpan<byte> before, ReadOnlySpan<byte> after, int outputLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputLength);
        int blocks = (outputLength + AesCmac.MacLength - 1) / AesCmac.MacLength;
        if (blocks > 255)
        {
            throw new ArgumentOutOfRangeException(nameof(outputLength), "A one-byte counter gives at most 255 blocks.");
        }

        var output = new byte[blocks * AesCmac.MacLength];
        using (var cmac = new AesCmac(key))
        {
            Span<byte> counter = stackalloc byte[1];
            for (int i = 1; i <= blocks; i++)
            {
                counter[0] = (byte)i;
                cmac.Append(before);
                cmac.Append(counter);
                cmac.Append(after);
                cmac.Finish(output.AsSpan((i - 1) * AesCmac.MacLength, AesCmac.MacLength));
            }
        }

        return outputLength == output.Length ? output : output.AsSpan(0, outputLength).ToArray();
    }
}

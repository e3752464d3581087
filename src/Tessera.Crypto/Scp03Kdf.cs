using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// The SCP03 data derivation function (GP Card Specification Amendment D §4.1.5): NIST SP 800-108 in counter
/// mode with AES-CMAC as PRF. The PRF input for block i is, in this order:
/// <c>label (11 × 00 ‖ derivation constant) ‖ 00 (separation indicator) ‖ L (2 bytes, output length in bits) ‖
/// i (1 byte, from 01) ‖ context</c>. The output is the blocks concatenated and cut to L bits.
/// </summary>
public static class Scp03Kdf
{
    /// <summary>Derivation constant for the card authentication cryptogram.</summary>
    public const byte CardCryptogram = 0x00;

    /// <summary>Derivation constant for the host authentication cryptogram.</summary>
    public const byte HostCryptogram = 0x01;

    /// <summary>Derivation constant for the pseudo-random card challenge.</summary>
    public const byte CardChallenge = 0x02;

    /// <summary>Derivation constant for the session encryption key S-ENC.</summary>
    public const byte SEnc = 0x04;

    /// <summary>Derivation constant for the session C-MAC key S-MAC.</summary>
    public const byte SMac = 0x06;

    /// <summary>Derivation constant for the session R-MAC key S-RMAC.</summary>
    public const byte SRmac = 0x07;

    private const int LabelZeros = 11;

    /// <summary>
    /// Derives <paramref name="lengthBits"/> bits (a positive multiple of 8) from <paramref name="key"/>
    /// (16, 24 or 32 bytes) with the given derivation constant and context.
    /// </summary>
    public static byte[] Derive(ReadOnlySpan<byte> key, byte derivationConstant, ReadOnlySpan<byte> context, int lengthBits)
    {
        if (lengthBits <= 0 || lengthBits % 8 != 0 || lengthBits > 0xFFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(lengthBits), "L is a positive number of bits, a multiple of 8, that fits in 2 bytes.");
        }

        Span<byte> fixedPart = stackalloc byte[LabelZeros + 4];
        fixedPart.Clear();
        fixedPart[LabelZeros] = derivationConstant;
        // fixedPart[LabelZeros + 1] stays 00: the separation indicator.
        fixedPart[LabelZeros + 2] = (byte)(lengthBits >> 8);
        fixedPart[LabelZeros + 3] = (byte)lengthBits;
        return CmacCounterKdf.Derive(key, fixedPart, context, lengthBits / 8);
    }
}

using Tessera.Crypto.Internal;

namespace Tessera.Crypto;

/// <summary>
/// An SCP03 static key set: Key-ENC, Key-MAC and Key-DEK, AES keys of one common length (16, 24 or 32 bytes,
/// Amendment D §6.1). The bytes are copied in and never exposed for writing.
/// </summary>
public sealed class StaticKeys
{
    private readonly byte[] _enc;
    private readonly byte[] _mac;
    private readonly byte[] _dek;

    /// <summary>Creates a key set; throws <see cref="ArgumentException"/> unless all three keys have one valid AES length.</summary>
    public StaticKeys(ReadOnlySpan<byte> enc, ReadOnlySpan<byte> mac, ReadOnlySpan<byte> dek)
    {
        AesKeys.Validate(enc, nameof(enc));
        if (mac.Length != enc.Length)
        {
            throw new ArgumentException("Key-MAC must have the length of Key-ENC.", nameof(mac));
        }

        if (dek.Length != enc.Length)
        {
            throw new ArgumentException("Key-DEK must have the length of Key-ENC.", nameof(dek));
        }

        _enc = enc.ToArray();
        _mac = mac.ToArray();
        _dek = dek.ToArray();
    }

    /// <summary>The static encryption key Key-ENC.</summary>
    public ReadOnlySpan<byte> Enc => _enc;

    /// <summary>The static MAC key Key-MAC.</summary>
    public ReadOnlySpan<byte> Mac => _mac;

    /// <summary>The data encryption key Key-DEK.</summary>
    public ReadOnlySpan<byte> Dek => _dek;

    /// <summary>The common key length in bytes: 16, 24 or 32.</summary>
    public int KeyLength => _enc.Length;

    /// <summary>A key set whose three keys are the same <paramref name="key"/> (as the GP test key 404142…4F is used).</summary>
    public static StaticKeys FromSingleKey(ReadOnlySpan<byte> key) => new(key, key, key);

    /// <inheritdoc />
    public override string ToString() =>
        $"StaticKeys(AES-{KeyLength * 8}, KCV ENC={Convert.ToHexString(KeyCheckValue.Aes(_enc))} " +
        $"MAC={Convert.ToHexString(KeyCheckValue.Aes(_mac))} DEK={Convert.ToHexString(KeyCheckValue.Aes(_dek))})";
}

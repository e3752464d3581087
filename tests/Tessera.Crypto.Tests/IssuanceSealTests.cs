using System.Security.Cryptography;

namespace Tessera.Crypto.Tests;

public class IssuanceSealTests
{
    // A fixed vector computed with Python "cryptography" 48.0.0 straight from SPEC §4.9 (X9.62 uncompressed
    // points, ECDH raw X coordinate, HKDF-SHA256 salt = header, info = "tessera-seal", AES-256-GCM with the
    // header as AAD): a second, independent implementation of the format, not a published vector.
    private const string CardPrivate = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    private const string EphemeralPrivate = "519b423d715f8b581f4fa8ee59f4771a5b44c8130b4e3eacca54a56dda72b464";
    private const string CardPublic =
        "0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb67903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
    private const string Header = "01040002";
    private const string Nonce = "000102030405060708090a0b";
    private const string Plaintext = "0000000d80e60c0074657373657261207365616c65642069737375616e636520736372697074";
    private const string SharedSecret = "874cc88baf56772eba61b4ccb240ed93d96f2345b346d0e7f9d58a3a555535d0";
    private const string ContentKey = "80aa9a319569b462606634954885784bdadd3b1e79afa3a72d2a1177df9965fd";
    private const string Sealed =
        "01040002041ccbe91c075fc7f4f033bfa248db8fccd3565de94bbfb12f3c59ff46c271bf83ce4014c68811f9a21a1fdb2c0e6113e06db7ca93b7404e78dc7ccd5ca89a4ca9" +
        "000102030405060708090a0b3a1c1035affab0cc3d4f73bc3b5c86b58030c30796a436fac2c9a37f55d3992d55257f893331be7a6086787ea5103c58d730d55beb31";

    [Fact]
    public void SealMatchesTheIndependentVector()
    {
        using var card = IssuanceKeyPair.FromPrivateKey(Hex.Bytes(CardPrivate));
        Assert.Equal(Hex.Bytes(CardPublic), card.PublicKey);
        using var ephemeral = ECDiffieHellman.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Hex.Bytes(EphemeralPrivate) });
        byte[] sealedFile = IssuanceSeal.Seal(Hex.Bytes(Header), Hex.Bytes(Plaintext), card.PublicKey, ephemeral, Hex.Bytes(Nonce));
        Assert.Equal(Hex.Bytes(Sealed), sealedFile);
    }

    [Fact]
    public void OpenMatchesTheIndependentVector()
    {
        using var card = IssuanceKeyPair.FromPrivateKey(Hex.Bytes(CardPrivate));
        Assert.True(IssuanceSeal.TryOpen(Hex.Bytes(Sealed), card, out var plaintext));
        Assert.Equal(Hex.Bytes(Plaintext), plaintext);
    }

    [Fact]
    public void ContentKeyIsHkdfOfTheSharedSecret()
    {
        Assert.Equal(Hex.Bytes(ContentKey), IssuanceSeal.DeriveContentKey(Hex.Bytes(SharedSecret), Hex.Bytes(Header)));

        // Second computation from RFC 5869 §2.2/§2.3 with HMAC-SHA256 (one expand block suffices for 32 bytes).
        byte[] prk = HMACSHA256.HashData(Hex.Bytes(Header), Hex.Bytes(SharedSecret));
        byte[] t1 = HMACSHA256.HashData(prk, (byte[])[.. "tessera-seal"u8, 0x01]);
        Assert.Equal(t1, IssuanceSeal.DeriveContentKey(Hex.Bytes(SharedSecret), Hex.Bytes(Header)));
    }

    [Fact]
    public void HkdfMatchesRfc5869TestCase1()
    {
        byte[] ikm = Hex.Bytes("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = Hex.Bytes("000102030405060708090a0b0c");
        byte[] info = Hex.Bytes("f0f1f2f3f4f5f6f7f8f9");
        Assert.Equal(
            Hex.Bytes("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5"),
            HKDF.Extract(HashAlgorithmName.SHA256, ikm, salt));
        Assert.Equal(
            Hex.Bytes("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"),
            HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 42, salt, info));
    }

    /// <summary>AES-256 cases 14, 15 and 16 of the GCM specification (McGrew &amp; Viega), also in NIST's gcmEncryptExtIV256 set.</summary>
    public static TheoryData<string, string, string, string, string, string> GcmVectors => new()
    {
        {
            "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
            "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"
        },
        {
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255",
            "",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
            "b094dac5d93471bdec1a502270e3cc6c"
        },
        {
            "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
            "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
            "feedfacedeadbeeffeedfacedeadbeefabaddad2",
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
            "76fc6ece0f4e1768cddf8853bb2d551b"
        },
    };

    [Theory]
    [MemberData(nameof(GcmVectors))]
    public void AesGcmMatchesPublishedVectors(string key, string nonce, string plaintext, string aad, string ciphertext, string tag)
    {
        using var gcm = new AesGcm(Hex.Bytes(key), IssuanceSeal.TagLength);
        byte[] pt = Hex.Bytes(plaintext);
        var ct = new byte[pt.Length];
        var t = new byte[IssuanceSeal.TagLength];
        gcm.Encrypt(Hex.Bytes(nonce), pt, ct, t, Hex.Bytes(aad));
        Assert.Equal(Hex.Bytes(ciphertext), ct);
        Assert.Equal(Hex.Bytes(tag), t);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1000)]
    public void RoundTrip(int length)
    {
        using var card = IssuanceKeyPair.Generate();
        byte[] plaintext = RandomNumberGenerator.GetBytes(length);
        byte[] sealedFile = IssuanceSeal.Seal(Hex.Bytes(Header), plaintext, card.PublicKey);
        Assert.Equal(IssuanceSeal.Overhead + length, sealedFile.Length);
        Assert.Equal(Hex.Bytes(Header), sealedFile[..4]);
        Assert.True(IssuanceSeal.TryOpen(sealedFile, card, out var opened));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void PrivateKeyExportRestoresTheSameKeyPair()
    {
        using var card = IssuanceKeyPair.Generate();
        byte[] sealedFile = IssuanceSeal.Seal(Hex.Bytes(Header), [1, 2, 3], card.PublicKey);
        using var restored = IssuanceKeyPair.FromPrivateKey(card.ExportPrivateKey());
        Assert.Equal(card.PublicKey, restored.PublicKey);
        Assert.True(IssuanceSeal.TryOpen(sealedFile, restored, out var opened));
        Assert.Equal([1, 2, 3], opened);
    }

    [Fact]
    public void EverySingleBitFlipFailsToOpen()
    {
        using var card = IssuanceKeyPair.FromPrivateKey(Hex.Bytes(CardPrivate));
        byte[] sealedFile = Hex.Bytes(Sealed);
        for (int bit = 0; bit < sealedFile.Length * 8; bit++)
        {
            byte[] flipped = (byte[])sealedFile.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(IssuanceSeal.TryOpen(flipped, card, out var plaintext), $"bit {bit} flipped still opens");
            Assert.Null(plaintext);
        }
    }

    [Fact]
    public void TruncatedOrExtendedFilesFailToOpen()
    {
        using var card = IssuanceKeyPair.FromPrivateKey(Hex.Bytes(CardPrivate));
        byte[] sealedFile = Hex.Bytes(Sealed);
        for (int length = 0; length < sealedFile.Length; length++)
        {
            Assert.False(IssuanceSeal.TryOpen(sealedFile.AsSpan(0, length), card, out _));
        }

        Assert.False(IssuanceSeal.TryOpen([.. sealedFile, 0x00], card, out _));
    }

    [Fact]
    public void AnotherCardCannotOpen()
    {
        using var other = IssuanceKeyPair.Generate();
        Assert.False(IssuanceSeal.TryOpen(Hex.Bytes(Sealed), other, out _));
    }

    [Fact]
    public void SealRefusesABadPublicKey()
    {
        byte[] notOnCurve = Hex.Bytes(CardPublic);
        notOnCurve[64] ^= 1;
        Assert.Throws<ArgumentException>(() => IssuanceSeal.Seal(Hex.Bytes(Header), [], notOnCurve));
        Assert.Throws<ArgumentException>(() => IssuanceSeal.Seal(Hex.Bytes(Header), [], Hex.Bytes(CardPublic)[..64]));
        Assert.Throws<ArgumentException>(() => IssuanceSeal.Seal([1, 2, 3], [], Hex.Bytes(CardPublic)));
    }
}

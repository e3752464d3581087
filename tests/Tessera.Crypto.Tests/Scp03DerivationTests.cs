namespace Tessera.Crypto.Tests;

public class Scp03DerivationTests
{
    [Fact]
    public void SessionKeysMatchOpenJavaCardVectorForGpDefaultKey()
    {
        // OpenJavaCard/openjavacard-tools SCP03DerivationTest.testDeriveSCP03_000010 (standards.md §3.4 G).
        var keys = StaticKeys.FromSingleKey(Hex.Bytes("404142434445464748494A4B4C4D4E4F"));
        var session = Scp03Derivation.DeriveSessionKeys(keys, Hex.Bytes("A7F76C713F0A713D"), Hex.Bytes("31900058C1C451A2"));
        Assert.Equal(Hex.Bytes("258a78866f41482bef482dc8ca976ccd"), session.SEnc.ToArray());
        Assert.Equal(Hex.Bytes("053db6abc7fdf3b63a0d965ee16b0255"), session.SMac.ToArray());
        Assert.Equal(Hex.Bytes("eda0b4f2ec0345bfc50f3bc59cfef936"), session.SRmac.ToArray());
    }

    [Fact]
    public void SessionKeyKcvsMatchGlobalPlatformProWithTenByteContext()
    {
        // GlobalPlatformPro TestPlaintextKeys.testSessionKeys_SCP03: key 404142…4F, context = 00010203040506070809.
        byte[] key = Hex.Bytes("404142434445464748494A4B4C4D4E4F");
        byte[] context = Hex.Bytes("00010203040506070809");
        Assert.Equal(Hex.Bytes("C25559"), KeyCheckValue.Aes(Scp03Kdf.Derive(key, Scp03Kdf.SEnc, context, 128)));
        Assert.Equal(Hex.Bytes("0E12CC"), KeyCheckValue.Aes(Scp03Kdf.Derive(key, Scp03Kdf.SMac, context, 128)));
        Assert.Equal(Hex.Bytes("9ACB9C"), KeyCheckValue.Aes(Scp03Kdf.Derive(key, Scp03Kdf.SRmac, context, 128)));
        Assert.Equal(Hex.Bytes("504A77"), KeyCheckValue.Aes(key));
    }

    [Fact]
    public void CryptogramsVerifyAndDiffer()
    {
        var keys = StaticKeys.FromSingleKey(Hex.Bytes("404142434445464748494A4B4C4D4E4F"));
        byte[] host = Hex.Bytes("A7F76C713F0A713D"), card = Hex.Bytes("31900058C1C451A2");
        var session = Scp03Derivation.DeriveSessionKeys(keys, host, card);
        byte[] cardCryptogram = Scp03Derivation.CardCryptogram(session, host, card);
        byte[] hostCryptogram = Scp03Derivation.HostCryptogram(session, host, card);
        Assert.Equal(8, cardCryptogram.Length);
        Assert.NotEqual(cardCryptogram, hostCryptogram);
        Assert.Equal(Scp03Kdf.Derive(session.SMac, 0x00, [.. host, .. card], 64), cardCryptogram);
        Assert.Equal(Scp03Kdf.Derive(session.SMac, 0x01, [.. host, .. card], 64), hostCryptogram);
        Assert.True(Scp03Derivation.VerifyCardCryptogram(session, host, card, cardCryptogram));
        Assert.True(Scp03Derivation.VerifyHostCryptogram(session, host, card, hostCryptogram));
        Assert.False(Scp03Derivation.VerifyCardCryptogram(session, host, card, hostCryptogram));
    }

    [Fact]
    public void PseudoRandomChallengeTakesCounterAndAid()
    {
        byte[] enc = Hex.Bytes("000102030405060708090a0b0c0d0e0f");
        byte[] aid = Hex.Bytes(PysimScp03Session.IsdRAid);
        // pysim SCP03_Test_AES128_11: sequence counter 000002, card challenge 3eb51047495b249f.
        Assert.Equal(Hex.Bytes("3eb51047495b249f"), Scp03Derivation.PseudoRandomCardChallenge(enc, 2, aid));
        Assert.Equal(Hex.Bytes("3eb51047495b249f"), Scp03Derivation.PseudoRandomCardChallenge(enc, Hex.Bytes("000002"), aid));
        Assert.Equal(Scp03Kdf.Derive(enc, 0x02, [0x12, 0x34, 0x56, .. aid], 64), Scp03Derivation.PseudoRandomCardChallenge(enc, 0x123456, aid));
        Assert.Throws<ArgumentException>(() => Scp03Derivation.PseudoRandomCardChallenge(enc, 1, new byte[4]));
        Assert.Throws<ArgumentException>(() => Scp03Derivation.PseudoRandomCardChallenge(enc, 1, new byte[17]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Scp03Derivation.PseudoRandomCardChallenge(enc, 0x1000000, aid));
    }

    [Fact]
    public void RejectsWrongChallengeLengths()
    {
        var keys = StaticKeys.FromSingleKey(new byte[16]);
        Assert.Throws<ArgumentException>(() => Scp03Derivation.DeriveSessionKeys(keys, new byte[7], new byte[8]));
        Assert.Throws<ArgumentException>(() => Scp03Derivation.DeriveSessionKeys(keys, new byte[8], new byte[16]));
    }

    [Fact]
    public void StaticKeysAreValidated()
    {
        Assert.Throws<ArgumentException>(() => new StaticKeys(new byte[16], new byte[16], new byte[24]));
        Assert.Throws<ArgumentException>(() => new StaticKeys(new byte[16], new byte[32], new byte[16]));
        Assert.Throws<ArgumentException>(() => new StaticKeys(new byte[8], new byte[8], new byte[8]));
        Assert.Equal(24, new StaticKeys(new byte[24], new byte[24], new byte[24]).KeyLength);
        Assert.DoesNotContain("000000", StaticKeys.FromSingleKey(new byte[16]).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void InitializeUpdateResponseParsesAndRefuses()
    {
        byte[] withCounter = Hex.Bytes("000000000000000000003003703eb51047495b249f66c484c1d2ef1948000002");
        var parsed = Scp03InitializeUpdateResponse.Parse(withCounter);
        Assert.Equal(0x30, parsed.KeyVersionNumber);
        Assert.Equal(Hex.Bytes("000002"), parsed.SequenceCounter.ToArray());
        Assert.Equal(withCounter, parsed.ToBytes());

        byte[] withoutCounter = withCounter[..29];
        withoutCounter[12] = 0x60;
        Assert.True(Scp03InitializeUpdateResponse.TryParse(withoutCounter, out var random));
        Assert.True(random.SequenceCounter.IsEmpty);
        Assert.Equal(withoutCounter, random.ToBytes());

        byte[] scp02 = (byte[])withCounter.Clone();
        scp02[11] = 0x02;
        Assert.False(Scp03InitializeUpdateResponse.TryParse(scp02, out _));
        byte[] s16 = (byte[])withCounter.Clone();
        s16[12] = 0x71;
        Assert.False(Scp03InitializeUpdateResponse.TryParse(s16, out _));
        Assert.False(Scp03InitializeUpdateResponse.TryParse(withCounter[..30], out _));
        Assert.Throws<FormatException>(() => Scp03InitializeUpdateResponse.Parse([]));
    }

    [Fact]
    public void HostRefusesAWrongCardCryptogram()
    {
        var keys = new StaticKeys(
            Hex.Bytes("000102030405060708090a0b0c0d0e0f"),
            Hex.Bytes("101112131415161718191a1b1c1d1e1f"),
            Hex.Bytes("202122232425262728292a2b2c2d2e2f"));
        byte[] response = Hex.Bytes("000000000000000000003003703eb51047495b249f66c484c1d2ef1948000002");
        response[28] ^= 0x01;
        var e = Assert.Throws<Scp03SecurityException>(() => Scp03Wrapper.FromInitializeUpdate(keys, Hex.Bytes("b13e5f938fc108c4"), response));
        Assert.Equal(Scp03Error.CardCryptogramMismatch, e.Error);
    }
}

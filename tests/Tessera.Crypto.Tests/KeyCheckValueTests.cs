namespace Tessera.Crypto.Tests;

public class KeyCheckValueTests
{
    [Theory]
    // osmocom/pysim tests/unittests/test_globalplatform.py, SCP03_KCV_Test.
    [InlineData("000102030405060708090a0b0c0d0e0f", "C35280")]
    [InlineData("101112131415161718191a1b1c1d1e1f", "013808")]
    [InlineData("202122232425262728292a2b2c2d2e2f", "840DE5")]
    // GlobalPlatformPro TestPlaintextKeys.testSessionKeys_SCP03 (static DEK 404142…4F).
    [InlineData("404142434445464748494A4B4C4D4E4F", "504A77")]
    public void MatchesPublishedKcv(string key, string kcv)
    {
        Assert.Equal(Hex.Bytes(kcv), KeyCheckValue.Aes(Hex.Bytes(key)));
    }

    [Fact]
    public void IsAesOfSixteenOnes()
    {
        // FIPS-197 appendix C.3 key; the KCV is the first three bytes of AES-256-ECB(key, 16 × 01).
        byte[] key = Hex.Bytes("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        using var aes = System.Security.Cryptography.Aes.Create();
        aes.Key = key;
        byte[] block = aes.EncryptEcb(Enumerable.Repeat((byte)1, 16).ToArray(), System.Security.Cryptography.PaddingMode.None);
        Assert.Equal(block[..3], KeyCheckValue.Aes(key));
    }
}

namespace Tessera.Crypto.Tests;

public class Scp03DekTests
{
    [Fact]
    public void IsAesCbcWithZeroIcvPerSp80038A()
    {
        // NIST SP 800-38A F.2.1 CBC-AES128.Encrypt uses IV 000102…0F. With ICV 0, xoring that IV into the first
        // plaintext block gives the same ciphertext, so the published vector checks the zero-ICV CBC here.
        byte[] key = Hex.Bytes("2b7e151628aed2a6abf7158809cf4f3c");
        byte[] iv = Hex.Bytes("000102030405060708090a0b0c0d0e0f");
        byte[] plaintext = Hex.Bytes(
            "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
        byte[] ciphertext = Hex.Bytes(
            "7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b273bed6b8e3c1743b7116e69e222295163ff1caa1681fac09120eca307586e1a7");
        byte[] input = (byte[])plaintext.Clone();
        for (int i = 0; i < 16; i++)
        {
            input[i] ^= iv[i];
        }

        Assert.Equal(ciphertext, Scp03Dek.Encrypt(key, input));
        Assert.Equal(input, Scp03Dek.Decrypt(key, ciphertext));
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(24, 32)]
    [InlineData(32, 32)]
    public void KeyRoundTripsWithPutKeyLengths(int keyLength, int encryptedLength)
    {
        byte[] dek = Hex.Bytes("202122232425262728292a2b2c2d2e2f");
        byte[] key = Enumerable.Range(0x40, keyLength).Select(i => (byte)i).ToArray();
        byte[] encrypted = Scp03Dek.EncryptKey(dek, key);
        Assert.Equal(encryptedLength, encrypted.Length);
        Assert.Equal(key, Scp03Dek.DecryptKey(dek, encrypted, keyLength));
        Assert.Equal(KeyCheckValue.Aes(key), KeyCheckValue.Aes(Scp03Dek.DecryptKey(dek, encrypted, keyLength)));
    }

    [Fact]
    public void RejectsPartialBlocksAndWrongLengths()
    {
        byte[] dek = new byte[16];
        Assert.Throws<ArgumentException>(() => Scp03Dek.Encrypt(dek, new byte[15]));
        Assert.Throws<ArgumentException>(() => Scp03Dek.Decrypt(dek, new byte[17]));
        Assert.Throws<ArgumentException>(() => Scp03Dek.DecryptKey(dek, new byte[32], 16));
        Assert.Throws<ArgumentException>(() => Scp03Dek.DecryptKey(dek, new byte[16], 24));
    }
}

namespace Tessera.Crypto.Tests;

/// <summary>
/// AES-CMAC against NIST SP 800-38B examples and RFC 4493 §4 (as collected in shared/reference/standards.md §4).
/// AES-128 rows 0/16/40/64 are RFC 4493 §4; rows 0/16/20/64 and the subkeys are SP 800-38B (D.1 in the updated
/// examples file). The AES-192/256 rows are the SP 800-38B values as also used by BouncyCastle's CMacTest.
/// </summary>
public class AesCmacTests
{
    private const string Message64 =
        "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51 30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

    private const string Key128 = "2b7e151628aed2a6abf7158809cf4f3c";
    private const string Key192 = "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b";
    private const string Key256 = "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4";

    public static TheoryData<string, int, string> Vectors => new()
    {
        { Key128, 0, "bb1d6929e95937287fa37d129b756746" },
        { Key128, 16, "070a16b46b4d4144f79bdd9dd04a287c" },
        { Key128, 20, "7d85449ea6ea19c823a7bf78837dfade" },
        { Key128, 40, "dfa66747de9ae63030ca32611497c827" },
        { Key128, 64, "51f0bebf7e3b9d92fc49741779363cfe" },
        { Key192, 0, "d17ddf46adaacde531cac483de7a9367" },
        { Key192, 16, "9e99a7bf31e710900662f65e617c5184" },
        { Key192, 20, "3d75c194ed96070444a9fa7ec740ecf8" },
        { Key192, 40, "8a1de5be2eb31aad089a82e6ee908b0e" },
        { Key192, 64, "a1d5df0eed790f794d77589659f39a11" },
        { Key256, 0, "028962f61b7bf89efc6b551f4667d983" },
        { Key256, 16, "28a7023f452e8f82bd4bf28d8c37c35c" },
        { Key256, 20, "156727dc0878944a023c1fe03bad6d93" },
        { Key256, 40, "aaf3d8f1de5640c232f5b169b9c911e6" },
        { Key256, 64, "e1992190549f6ed5696a2c056c315410" },
    };

    [Theory]
    [MemberData(nameof(Vectors))]
    public void OneShotMatchesPublishedVector(string key, int messageLength, string expected)
    {
        byte[] message = Hex.Bytes(Message64)[..messageLength];
        Assert.Equal(Hex.Bytes(expected), AesCmac.Compute(Hex.Bytes(key), message));
        Assert.True(AesCmac.Verify(Hex.Bytes(key), message, Hex.Bytes(expected)));
        Assert.True(AesCmac.Verify(Hex.Bytes(key), message, Hex.Bytes(expected)[..8]));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void IncrementalMatchesPublishedVectorAtEverySplit(string key, int messageLength, string expected)
    {
        byte[] message = Hex.Bytes(Message64)[..messageLength];
        using var cmac = new AesCmac(Hex.Bytes(key));
        for (int first = 0; first <= messageLength; first++)
        {
            for (int second = first; second <= messageLength; second++)
            {
                cmac.Append(message.AsSpan(0, first));
                cmac.Append(message.AsSpan(first, second - first));
                cmac.Append(message.AsSpan(second));
                Assert.Equal(Hex.Bytes(expected), cmac.Finish());
            }
        }
    }

    [Fact]
    public void SubkeysMatchSp80038B()
    {
        var (k1, k2) = AesCmac.GenerateSubkeys(Hex.Bytes(Key128));
        Assert.Equal(Hex.Bytes("fbeed618357133667c85e08f7236a8de"), k1);
        Assert.Equal(Hex.Bytes("f7ddac306ae266ccf90bc11ee46d513b"), k2);
    }

    [Fact]
    public void LongMessageIsTheSameByteByByteAndInOneGo()
    {
        // 10,000 bytes crosses the 4 KiB bulk chunk boundary of the implementation several times.
        var message = new byte[10_000];
        for (int i = 0; i < message.Length; i++)
        {
            message[i] = (byte)(i * 7 + 3);
        }

        byte[] key = Hex.Bytes(Key256);
        using var cmac = new AesCmac(key);
        foreach (byte b in message)
        {
            cmac.Append([b]);
        }

        Assert.Equal(AesCmac.Compute(key, message), cmac.Finish());
    }

    [Fact]
    public void WrongMacDoesNotVerify()
    {
        byte[] mac = Hex.Bytes("bb1d6929e95937287fa37d129b756746");
        mac[15] ^= 1;
        Assert.False(AesCmac.Verify(Hex.Bytes(Key128), [], mac));
        Assert.False(AesCmac.Verify(Hex.Bytes(Key128), [], []));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    [InlineData(17)]
    [InlineData(33)]
    public void RejectsBadKeyLength(int length)
    {
        Assert.Throws<ArgumentException>(() => AesCmac.Compute(new byte[length], []));
    }
}

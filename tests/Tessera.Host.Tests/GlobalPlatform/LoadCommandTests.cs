using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.GlobalPlatform;

/// <summary>LOAD: the Load File, block sizes per security level, and splitting at every boundary.</summary>
public sealed class LoadCommandTests
{
    public static TheoryData<byte, int> Levels => new()
    {
        { 0x00, 255 },
        { 0x01, 247 },
        { 0x11, 247 },
        { 0x03, 239 },
        { 0x13, 239 },
        { 0x33, 239 },
    };

    [Theory]
    [MemberData(nameof(Levels))]
    public void MaxBlockSizeIsTheLargestThatFitsAfterSecureMessaging(byte level, int expected)
    {
        var l = (Scp03SecurityLevel)level;
        Assert.Equal(expected, LoadCommand.MaxBlockSize(l));
        Assert.True(Scp03Wrapper.WrappedDataLength(expected, l) <= 255);
        Assert.True(Scp03Wrapper.WrappedDataLength(expected + 1, l) > 255);
    }

    [Theory]
    [MemberData(nameof(Levels))]
    public void EveryBlockStaysShortAfterRealWrapping(byte level, int blockSize)
    {
        var l = (Scp03SecurityLevel)level;
        var keys = Scp03Derivation.DeriveSessionKeys(StaticKeys.FromSingleKey(new byte[16]), new byte[8], new byte[8]);
        var wrapper = new Scp03Wrapper(keys, new byte[8], new byte[8]);
        wrapper.BuildExternalAuthenticate(l);
        foreach (var fileLength in new[] { 1, blockSize - 1, blockSize, blockSize + 1, 2 * blockSize, 2 * blockSize + 1, 10_000 })
        {
            var file = Enumerable.Range(0, fileLength).Select(i => (byte)(i * 7)).ToArray();
            var blocks = LoadCommand.Blocks(file, blockSize);
            Assert.Equal((fileLength + blockSize - 1) / blockSize, blocks.Count);
            Assert.Equal(file, blocks.SelectMany(b => b.Data.ToArray()).ToArray());
            for (var i = 0; i < blocks.Count; i++)
            {
                Assert.Equal(i == blocks.Count - 1 ? 0x80 : 0x00, blocks[i].P1);
                Assert.Equal((byte)i, blocks[i].P2);
                Assert.Equal(0xE8, blocks[i].Ins);
                var wrapped = CommandApdu.Parse(wrapper.WrapCommand(blocks[i].ToArray()));
                Assert.False(wrapped.IsExtended);
                Assert.True(wrapped.Nc <= 255);
            }
        }
    }

    [Fact]
    public void LoadFileIsC4WithItsLength()
    {
        Assert.Equal("C403010203", Convert.ToHexString(LoadCommand.LoadFile([1, 2, 3])));
        Assert.Equal("C48180", Convert.ToHexString(LoadCommand.LoadFile(new byte[128]).AsSpan(0, 3)));
        Assert.Equal("C4820100", Convert.ToHexString(LoadCommand.LoadFile(new byte[256]).AsSpan(0, 4)));
        Assert.Equal("C482FFFF", Convert.ToHexString(LoadCommand.LoadFile(new byte[65535]).AsSpan(0, 4)));
    }

    [Fact]
    public void ResplitJoinsExtendedBlocksAndRenumbers()
    {
        var file = Enumerable.Range(0, 70_000).Select(i => (byte)i).ToArray();
        var extended = LoadCommand.Blocks(file, 65535);
        Assert.Equal(2, extended.Count);
        Assert.True(extended[0].IsExtended);
        var shortBlocks = LoadCommand.Resplit(extended, 239);
        Assert.Equal((70_000 + 238) / 239, shortBlocks.Count);
        Assert.Equal(file, shortBlocks.SelectMany(b => b.Data.ToArray()).ToArray());
        // past 256 blocks the number wraps (FF then 00), as GlobalPlatformPro numbers them
        Assert.Equal(0xFF, shortBlocks[255].P2);
        Assert.Equal(0x00, shortBlocks[256].P2);
        Assert.Equal(0x80, shortBlocks[^1].P1);
        Assert.All(shortBlocks.SkipLast(1), b => Assert.Equal(0x00, b.P1));
    }
}

using System.Text;
using Tessera.Card.Storage;

namespace Tessera.Card.Tests.Storage;

public sealed class Crc32Tests
{
    [Fact]
    public void CheckValueOfTheCatalogue() => Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));

    [Fact]
    public void KnownVectors()
    {
        Assert.Equal(0u, Crc32.Compute([]));
        Assert.Equal(0x414FA339u, Crc32.Compute(Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog")));
        Assert.Equal(0xD202EF8Du, Crc32.Compute([0x00]));
    }

    [Fact]
    public void AppendingInPiecesEqualsOneShot()
    {
        var data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 7)).ToArray();
        var state = Crc32.Initial;
        state = Crc32.Append(state, data.AsSpan(0, 3));
        state = Crc32.Append(state, data.AsSpan(3, 500));
        state = Crc32.Append(state, data.AsSpan(503));
        Assert.Equal(Crc32.Compute(data), Crc32.Finish(state));
    }
}

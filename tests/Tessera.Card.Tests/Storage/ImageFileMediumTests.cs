using System.Text;
using Tessera.Card.Storage;
using static Tessera.Card.Tests.Storage.NvmTestSupport;

namespace Tessera.Card.Tests.Storage;

public sealed class ImageFileMediumTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("tessera-nvm-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void ContentSurvivesCloseAndReopen()
    {
        var path = Path.Combine(directory, "card.img");
        string dump;
        NvmHandle block;
        using (var medium = ImageFileMedium.Create(path, 128 * 1024, 256, "profile"u8.ToArray()))
        {
            var nvm = NonVolatileMemory.Format(medium);
            nvm.BeginAtomic();
            block = nvm.Allocate(3000);
            nvm.Write(block, 7, Pattern(2900, 1));
            nvm.SetRoot(2, block);
            nvm.CommitAtomic();
            dump = ExactDump(nvm);
        }

        Assert.Equal(4096 + (128 * 1024), new FileInfo(path).Length);
        using (var medium = ImageFileMedium.Open(path))
        {
            Assert.Equal(256, medium.PageSize);
            Assert.Equal(512, medium.PageCount);
            var nvm = NonVolatileMemory.Mount(medium);
            Assert.Equal(dump, ExactDump(nvm));
            Assert.Equal(block, nvm.GetRoot(2));
            Assert.Equal(0, nvm.PhysicalWrites);
        }

        Assert.Equal([path], Directory.GetFiles(directory));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4060)]
    [InlineData(4061)]
    [InlineData(20000)]
    public void MetadataRoundTrips(int length)
    {
        var path = Path.Combine(directory, $"meta{length}.img");
        var metadata = Pattern(length, length);
        using (var medium = ImageFileMedium.Create(path, 64 * 1024, 64, metadata))
        {
            Assert.Equal(metadata, medium.Metadata.ToArray());
        }

        using var reopened = ImageFileMedium.Open(path);
        Assert.Equal(metadata, reopened.Metadata.ToArray());
        Assert.Equal(64, reopened.PageSize);
        Assert.Equal(0, new FileInfo(path).Length % 4096);
    }

    [Fact]
    public void AKilledProcessLeavesARecoverableImage()
    {
        // A tear on an image file leaves the file as a killed process would: the writes done so far, nothing buffered
        // (the medium is not flushed; closing the handle adds nothing, since page writes are unbuffered).
        var path = Path.Combine(directory, "killed.img");
        NvmHandle block;
        using (var medium = ImageFileMedium.Create(path, 64 * 1024))
        {
            var nvm = NonVolatileMemory.Format(medium);
            nvm.BeginAtomic();
            block = nvm.Allocate(2000);
            nvm.Write(block, 0, Pattern(2000, 3));
            nvm.CommitAtomic();
        }

        for (var k = 1; k <= 17; k++)
        {
            File.Copy(path, path + ".run", overwrite: true);
            using (var medium = ImageFileMedium.Open(path + ".run"))
            {
                var tear = new TearTrigger();
                tear.ArmAtWrite(k, seed: k);
                tear.PowerOn();
                var nvm = NonVolatileMemory.Mount(medium, tear);
                nvm.BeginAtomic();
                nvm.Write(block, 0, Pattern(2000, 4));
                Assert.Throws<CardTornException>(nvm.CommitAtomic);
            }

            using (var medium = ImageFileMedium.Open(path + ".run"))
            {
                var nvm = NonVolatileMemory.Mount(medium);
                var content = ReadAll(nvm, block);
                Assert.True(content.SequenceEqual(Pattern(2000, 3)) || content.SequenceEqual(Pattern(2000, 4)), $"tear at write {k}");
                // 8 pages change: writes 1-8 journal, 9 the commit page, 10-17 home pages.
                if (k != 9)
                {
                    Assert.Equal(k > 9, content.SequenceEqual(Pattern(2000, 4)));
                }
            }
        }
    }

    [Fact]
    public void AnExistingFileIsNeverOverwritten()
    {
        var path = Path.Combine(directory, "exists.img");
        File.WriteAllText(path, "keep me");
        Assert.Throws<IOException>(() => ImageFileMedium.Create(path, 64 * 1024));
        Assert.Equal("keep me", File.ReadAllText(path));
    }

    [Fact]
    public void AnOpenImageIsNotOpenedTwice()
    {
        var path = Path.Combine(directory, "busy.img");
        using var medium = ImageFileMedium.Create(path, 64 * 1024);
        Assert.ThrowsAny<IOException>(() => ImageFileMedium.Open(path));
    }

    [Fact]
    public void ATruncatedHeaderIsRejectedClearly()
    {
        var path = Path.Combine(directory, "short.img");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("TESSERA-NV"));
        var ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("too short", ex.Message, StringComparison.Ordinal);

        var good = Path.Combine(directory, "good.img");
        ImageFileMedium.Create(good, 64 * 1024, 256, Pattern(100, 5)).Dispose();
        File.WriteAllBytes(path, File.ReadAllBytes(good)[..100]);
        ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("truncated inside its header", ex.Message, StringComparison.Ordinal);

        File.WriteAllBytes(path, File.ReadAllBytes(good)[..^1]);
        ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageAndDamagedHeadersAreRejectedClearly()
    {
        var path = Path.Combine(directory, "garbage.img");
        File.WriteAllBytes(path, Pattern(70 * 1024, 6));
        var ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);

        var good = Path.Combine(directory, "good.img");
        ImageFileMedium.Create(good, 64 * 1024, 256, Pattern(100, 7)).Dispose();
        var bytes = File.ReadAllBytes(good);
        bytes[40] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("checksum", ex.Message, StringComparison.Ordinal);

        bytes = File.ReadAllBytes(good);
        bytes[13] = 9;
        File.WriteAllBytes(path, bytes);
        ex = Assert.Throws<NvmImageFormatException>(() => ImageFileMedium.Open(path));
        Assert.Contains("version", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnformattedImageIsNotMountable()
    {
        var path = Path.Combine(directory, "blank.img");
        using var medium = ImageFileMedium.Create(path, 64 * 1024);
        Assert.Throws<NvmCorruptException>(() => NonVolatileMemory.Mount(medium));
    }
}

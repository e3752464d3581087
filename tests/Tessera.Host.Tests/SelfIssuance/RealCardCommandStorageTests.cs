using Tessera.Card;
using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.SelfIssuance;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>
/// The write half of self-issuance against the real in-process card (its START is not there yet): CREATE FILE with
/// the manager's FCP, extended odd-INS UPDATE BINARY chunks under SCP03, read back with odd-INS READ BINARY.
/// </summary>
public sealed class RealCardCommandStorageTests
{
    [Fact]
    public void CommandStorageAcceptsTheStructureInExtendedChunks()
    {
        using var device = SecureDevice.Create(CardProfile.Default);
        var connection = new InProcessConnection(device);
        connection.PowerOn();
        var session = new GpSession(connection);
        session.Select(IssuerSecurityDomain.DefaultAid);
        var level = Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption;
        session.Authenticate(CardKeys.GpDefault, level);

        var assembly = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 11)).ToArray();
        var structure = SimultaneousCommandBuilder.FromPrepared(SimultaneousCommandBuilderTests.Sample(assembly)).Build();
        const ushort fid = CommandStorage.DefaultEfFid;

        Assert.Equal(0x9000, session.Transmit(CommandStorage.SelectDf()).SW);
        Assert.Equal(0x6A82, session.Transmit(CommandStorage.SelectEf(fid)).SW);
        Assert.Equal(0x9000, session.Transmit(CommandStorage.CreateEf(fid, structure.Length)).SW);
        var fcp = session.Transmit(CommandStorage.SelectEf(fid));
        Assert.Equal(0x9000, fcp.SW);
        Assert.Equal(((long)structure.Length, (byte)0x01), CommandStorage.ParseEfFcp(fcp.Data.Span));

        var chunks = 0;
        for (var offset = 0; offset < structure.Length; chunks++)
        {
            var chunk = Math.Min(CommandStorage.MaxUpdateBinaryChunk(level, offset), structure.Length - offset);
            Assert.Equal(0x9000, session.Transmit(CommandStorage.UpdateBinary(fid, offset, structure.AsSpan(offset, chunk))).SW);
            offset += chunk;
        }

        Assert.Equal(2, chunks);
        var read = new List<byte>();
        while (read.Count < structure.Length)
        {
            var offset = read.Count;
            byte[] offsetObject = [0x54, 0x04, (byte)(offset >> 24), (byte)(offset >> 16), (byte)(offset >> 8), (byte)offset];
            var answer = session.Transmit(new CommandApdu(0x00, 0xB1, 0x5F, 0x01, offsetObject, ne: 60_000));
            Assert.True(answer.SW is 0x9000 or 0x6282, answer.ToString());
            read.AddRange(BerTlv.ReadElement(answer.Data.Span, out var tag, out _));
            Assert.Equal(0x53u, tag.Value);
        }

        Assert.Equal(structure, read.ToArray());

        // the manager's way of replacing a too-small EF
        Assert.Equal(0x9000, session.Transmit(CommandStorage.DeleteEf(fid)).SW);
        Assert.Equal(0x6A82, session.Transmit(CommandStorage.SelectEf(fid)).SW);
    }
}

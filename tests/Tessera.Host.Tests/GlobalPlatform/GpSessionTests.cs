using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Link;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.GlobalPlatform;

/// <summary>GpSession against the independent <see cref="TestIsd"/> responder.</summary>
public sealed class GpSessionTests
{
    private static GpSession Open(ICardConnection card, Scp03SecurityLevel level, List<byte[]>? wire = null)
    {
        var transmitter = new ApduTransmitter(card);
        if (wire is not null)
        {
            transmitter.Exchanged += (command, _) => wire.Add(command);
        }

        var session = new GpSession(transmitter);
        session.Select(TestIsd.IsdAid);
        session.Authenticate(CardKeys.GpDefault, level);
        return session;
    }

    [Theory]
    [InlineData(0x01)]
    [InlineData(0x03)]
    [InlineData(0x33)]
    public void AuthenticatesAndReadsCplcWrapped(byte level)
    {
        var card = new TestIsd();
        var wire = new List<byte[]>();
        var session = Open(card, (Scp03SecurityLevel)level, wire);
        Assert.True(session.IsAuthenticated);
        Assert.Equal((Scp03SecurityLevel)level, session.SecurityLevel);
        Assert.Equal(0x30, session.InitializeUpdate!.KeyVersionNumber);

        var cplc = new IssuerSecurityDomain(session).GetCplc();
        Assert.Equal(0xCAFE0001u, cplc.IcSerialNumber);
        Assert.Equal("CAFE0001", cplc.IcSerialNumberHex);
        // the GET DATA went out with CLA 84 and an 8-byte C-MAC (plus padding when encrypted: no data here)
        var getData = wire[^1];
        Assert.Equal(0x84, getData[0]);
        Assert.Equal(0xCA, getData[1]);
        Assert.Equal(8, getData[4]);
        Assert.Equal(Hex.Parse("80CA9F7F00"), card.Received[^1].ToArray());
    }

    [Fact]
    public void IsoClassCommandsAreWrappedWithCla04()
    {
        var card = new TestIsd();
        var wire = new List<byte[]>();
        var session = Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption, wire);
        session.Send(GetDataCommand.Build(GetDataCommand.Cplc, gpClass: false), "GET DATA");
        Assert.Equal(0x04, wire[^1][0]);
        Assert.Equal(Hex.Parse("00CA9F7F00"), card.Received[^1].ToArray());
    }

    [Fact]
    public void GetStatusFollows6310Paging()
    {
        var card = new TestIsd { PageSize = 2 };
        for (var i = 1; i <= 5; i++)
        {
            card.Applications.Add(new RegistryEntry(RegistryEntryKind.Application, Aid.Parse($"F05445535301{i:X2}"), 0x07, Privileges.None, null, null, null, [], []));
        }

        var isd = new IssuerSecurityDomain(Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.RMac));
        var entries = isd.GetStatus(GetStatusScope.Applications);
        Assert.Equal(card.Applications.Select(a => a.Aid), entries.Select(e => e.Aid));
        var statusCommands = card.Received.Where(c => c.Ins == 0xF2).Select(c => c.P2).ToList();
        Assert.Equal([0x02, 0x03, 0x03], statusCommands);
    }

    [Fact]
    public void NvmWriteCounterWithoutSecureChannel()
    {
        var card = new TestIsd { NvmWrites = 0x01020304 };
        var session = new GpSession(card);
        session.Select(TestIsd.IsdAid);
        Assert.Equal(0x01020304u, new IssuerSecurityDomain(session).GetNvmWriteCount());
    }

    [Fact]
    public void CorruptRMacEndsTheSession()
    {
        var card = new TestIsd();
        var session = Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.RMac);
        card.CorruptNextResponse = true;
        var e = Assert.Throws<GpSecureChannelException>(() => session.Send(GetDataCommand.Build(GetDataCommand.Cplc), "GET DATA"));
        Assert.Equal(Scp03Error.MacMismatch, e.Error);
        Assert.False(session.IsAuthenticated);
        Assert.Throws<InvalidOperationException>(() => session.Transmit(GetDataCommand.Build(GetDataCommand.Cplc)));
        // a new session works again
        session.Select(TestIsd.IsdAid);
        session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac);
        new IssuerSecurityDomain(session).GetCplc();
    }

    [Fact]
    public void CommandMacFailureOnTheCardIs6982WithItsName()
    {
        var card = new TestIsd();
        var tampering = new TamperingConnection(card);
        var session = Open(tampering, Scp03SecurityLevel.CMac);
        tampering.FlipNextCommand = true;
        var e = Assert.Throws<GpCommandException>(() => session.Send(GetDataCommand.Build(GetDataCommand.Cplc), "GET DATA 9F7F"));
        Assert.Equal(0x6982, e.StatusWord.Value);
        Assert.Contains("6982 security status not satisfied", e.Message, StringComparison.Ordinal);
        Assert.Contains("GET DATA 9F7F", e.Message, StringComparison.Ordinal);
        // the card aborted its session: the next correctly wrapped command is refused too
        Assert.Equal(0x6982, session.Transmit(GetDataCommand.Build(GetDataCommand.Cplc)).SW);
    }

    [Fact]
    public void WrongKeysFailOnTheCardCryptogram()
    {
        var card = new TestIsd();
        var session = new GpSession(card);
        session.Select(TestIsd.IsdAid);
        var wrong = CardKeys.Static(StaticKeys.FromSingleKey(new byte[16]));
        var e = Assert.Throws<GpSecureChannelException>(() => session.Authenticate(wrong, Scp03SecurityLevel.CMac));
        Assert.Equal(Scp03Error.CardCryptogramMismatch, e.Error);
        Assert.False(session.IsAuthenticated);
    }

    [Fact]
    public void UnknownKeyVersionIsATypedRefusal()
    {
        var session = new GpSession(new TestIsd());
        session.Select(TestIsd.IsdAid);
        var e = Assert.Throws<GpCommandException>(() => session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac, keyVersion: 0x31));
        Assert.Equal("INITIALIZE UPDATE", e.Command);
        Assert.Equal(0x6A88, e.StatusWord.Value);
        Assert.Contains("referenced data not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SelectOfAMissingApplicationNamesTheStatus()
    {
        var session = new GpSession(new TestIsd());
        var e = Assert.Throws<GpCommandException>(() => session.Select(Aid.Parse("F0544553539999")));
        Assert.Equal(0x6A82, e.StatusWord.Value);
    }

    [Fact]
    public void DiversifiedKeysUseTheCardsDiversificationData()
    {
        var master = Hex.Parse("000102030405060708090A0B0C0D0E0F");
        var card = new TestIsd(Scp03KeyDiversification.DiversifyKdf3(master, TestIsd.Kdd));
        var session = new GpSession(card);
        session.Select(TestIsd.IsdAid);
        session.Authenticate(CardKeys.DiversifiedKdf3(master), Scp03SecurityLevel.CMac);
        Assert.True(session.IsAuthenticated);
        Assert.Equal(TestIsd.Kdd, session.InitializeUpdate!.KeyDiversificationData.ToArray());
    }

    [Fact]
    public void LogicalChannelHasItsOwnSession()
    {
        var card = new TestIsd();
        var wire = new List<byte[]>();
        var basic = Open(card, Scp03SecurityLevel.CMac, wire);
        var channel = basic.OpenChannel();
        Assert.Equal(1, channel.Channel);
        channel.Select(TestIsd.IsdAid);
        channel.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        new IssuerSecurityDomain(channel).GetCplc();
        Assert.Equal(0x85, wire[^1][0]);
        // the basic channel's session is untouched
        new IssuerSecurityDomain(basic).GetCplc();
        Assert.Equal(0x84, wire[^1][0]);
        basic.CloseChannel(1);
        Assert.Equal(0x6881, basic.Transmitter.Transmit(new CommandApdu(0x01, 0xCA, 0x9F, 0x7F, ne: 256)).SW);
    }

    [Fact]
    public void PutKeyReplacesTheKeySetAndChecksKcvs()
    {
        var card = new TestIsd();
        var session = Open(card, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        var newKeys = new StaticKeys(Hex.Parse("000102030405060708090A0B0C0D0E0F"), Hex.Parse("101112131415161718191A1B1C1D1E1F"), Hex.Parse("202122232425262728292A2B2C2D2E2F"));
        new IssuerSecurityDomain(session).PutKeys(0x31, newKeys, replaceKeyVersion: 0x30);
        Assert.Equal(0x31, card.KeyVersion);
        session.Select(TestIsd.IsdAid);
        session.Authenticate(CardKeys.Static(newKeys), Scp03SecurityLevel.CMac, keyVersion: 0x31);
        Assert.True(session.IsAuthenticated);
    }

    [Fact]
    public void LinkCutMidWaySurfacesAsCardConnectionException()
    {
        var card = new TestIsd();
        // SELECT, INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, one GET DATA; the fifth exchange is cut
        using var link = new LinkedConnection(card, LinkProfile.Contact with { CutAfterExchanges = 5 });
        var session = Open(link, Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption);
        var isd = new IssuerSecurityDomain(session);
        isd.GetCplc();
        var e = Assert.Throws<CardConnectionException>(() => isd.GetCplc());
        Assert.Equal(ConnectionFailure.LinkCut, e.Failure);
        Assert.Throws<InvalidOperationException>(() => isd.GetCplc());
        Assert.True(link.Statistics.ModelledLinkTime > TimeSpan.Zero);
        link.Restore();
        session.Select(TestIsd.IsdAid);
        session.Authenticate(CardKeys.GpDefault, Scp03SecurityLevel.CMac);
        Assert.Equal(0xCAFE0001u, isd.GetCplc().IcSerialNumber);
    }

    /// <summary>Flips one bit of the next command's data on its way to the card.</summary>
    private sealed class TamperingConnection(ICardConnection inner) : ICardConnection
    {
        public bool FlipNextCommand { get; set; }

        public string Name => "tampering";

        public IMemoryInterface? Memory => null;

        public byte[] PowerOn() => inner.PowerOn();

        public void PowerOff() => inner.PowerOff();

        public byte[] Reset() => inner.Reset();

        public byte[] Transmit(ReadOnlySpan<byte> command)
        {
            var bytes = command.ToArray();
            if (FlipNextCommand)
            {
                FlipNextCommand = false;
                bytes[^2] ^= 0x01;
            }

            return inner.Transmit(bytes);
        }

        public void Dispose()
        {
        }
    }
}

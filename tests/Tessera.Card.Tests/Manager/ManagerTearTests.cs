using Tessera.Crypto;
using Tessera.Iso7816;
using static Tessera.Card.Tests.Manager.ManagerCards;

namespace Tessera.Card.Tests.Manager;

/// <summary>
/// SPEC §1.1 for the card manager: PUT KEY and SET STATUS torn at every physical NVM write they make. After recovery
/// the card is wholly before or wholly after the command (key set wholly old or wholly new).
/// </summary>
public sealed class ManagerTearTests
{
    public static TheoryData<string> Commands => new()
    {
        Apdu("80D83081", PutKeyData(0x31, Hex.Parse("000102030405060708090A0B0C0D0E0F"), Hex.Parse("101112131415161718191A1B1C1D1E1F"), Hex.Parse("202122232425262728292A2B2C2D2E2F"), Hex.Parse(CardProfile.DefaultScp03KeyHex))),
        "80F08007",
    };

    [Theory]
    [MemberData(nameof(Commands))]
    public void TearAtEveryWriteLeavesOldOrNew(string plain)
    {
        // Reference run: writes before and after the command, and the dumps.
        long start, end;
        string before, after;
        using (var card = New())
        {
            var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
            start = card.Device.PhysicalWritesSincePowerOn;
            before = card.Device.CanonicalDump();
            session.Expect(plain, 0x9000);
            end = card.Device.PhysicalWritesSincePowerOn;
            after = card.Device.CanonicalDump();
        }

        Assert.True(end > start, "the command wrote nothing");
        Assert.NotEqual(before, after);
        for (var k = start + 1; k <= end; k++)
        {
            using var device = SecureDevice.Create(Profile);
            device.ArmTearAtWrite(k);
            device.PowerOn();
            var card = new TestCard(device);
            var session = HostSession.Open(card, Scp03SecurityLevel.CMac);
            var wrapped = session.Wrapper.WrapCommand(Hex.Parse(plain));
            Assert.Throws<CardMuteException>(() => device.Transmit(CardInterface.Contact, wrapped));
            device.PowerOn();
            var recovered = device.CanonicalDump();
            Assert.True(recovered == before || recovered == after, $"tear at write {k}: the card is neither before nor after the command");
        }
    }
}

using Tessera.Iso7816;

namespace Tessera.Card.Tests.Os;

/// <summary>Reading a card that is off (dump, NVM figures) is not "the next power-on" of an armed tear.</summary>
public sealed class InspectionTests
{
    [Fact]
    public void DumpWhileOffDoesNotConsumeAnArmedTear()
    {
        using var device = SecureDevice.Create(CardProfile.Default with { OpenFileSystem = true, NvmCapacity = 64 * 1024 });
        device.ArmTearAtWrite(1);
        var dump = device.CanonicalDump();
        _ = device.NvmUsage();
        device.PowerOn();
        Assert.Throws<CardMuteException>(() => device.Transmit(CardInterface.Contact, Hex.Parse("00E000000D620B8302010182010180020010")));
        device.PowerOn();
        Assert.Equal(dump, device.CanonicalDump());
    }
}

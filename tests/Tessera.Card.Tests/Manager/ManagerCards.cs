using Tessera.Iso7816;

namespace Tessera.Card.Tests.Manager;

/// <summary>Cards for card manager tests, and the command bytes they use.</summary>
internal static class ManagerCards
{
    public const string IsdAid = CardProfile.DefaultIsdAidHex;
    public const string Serial = "0102030405060708";

    /// <summary>A fixed issuance key, so that two cards of this profile have the same content byte for byte.</summary>
    public const string IssuanceKey = "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";

    public static CardProfile Profile => CardProfile.Default with { SerialNumber = Serial, NvmCapacity = 256 * 1024, IssuanceKey = IssuanceKey };

    /// <summary>A powered card (default profile, fixed serial), optionally with <see cref="FakeAppletRuntime"/>.</summary>
    public static TestCard New(CardProfile? profile = null, bool withRuntime = false)
    {
        var device = SecureDevice.Create(profile ?? Profile);
        if (withRuntime)
        {
            device.AppletRuntimeFactory = runtime => new FakeAppletRuntime(runtime);
        }

        device.PowerOn();
        return new TestCard(device);
    }

    /// <summary>An AES key set as PUT KEY carries it, encrypted under <paramref name="dek"/>.</summary>
    public static string PutKeyData(byte newKvn, byte[] enc, byte[] mac, byte[] dek, byte[] currentDek, bool breakKcv = false)
    {
        var data = new List<byte> { newKvn };
        foreach (var key in new[] { enc, mac, dek })
        {
            var encrypted = Crypto.Scp03Dek.EncryptKey(currentDek, key);
            data.Add(0x88);
            data.AddRange(GpLength.Encode(encrypted.Length + 1));
            data.Add((byte)key.Length);
            data.AddRange(encrypted);
            data.Add(0x03);
            var kcv = Crypto.KeyCheckValue.Aes(key);
            if (breakKcv && key == dek)
            {
                kcv[0] ^= 0x01;
            }

            data.AddRange(kcv);
        }

        return Convert.ToHexString(data.ToArray());
    }

    public static string Apdu(string header, string data) => $"{header}{data.Length / 2:X2}{data}";

    public static string Lv(string hex) => $"{hex.Length / 2:X2}{hex}";
}

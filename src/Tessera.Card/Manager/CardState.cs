using Tessera.Card.Storage;

namespace Tessera.Card.Manager;

/// <summary>
/// The card-wide persistent state of the ISD (root slot <see cref="ManagerSlots.CardState"/>): card life cycle,
/// SCP03 "i", key diversification data, CPLC, IIN (tag 42 value), CIN (tag 45 value) and card data (tag 66 value,
/// empty = the card's default card recognition data).
/// </summary>
internal sealed record CardState(byte LifeCycle, byte ScpI, byte[] Kdd, byte[] Cplc, byte[] Iin, byte[] Cin, byte[] CardData)
{
    private const byte Version = 1;

    public static CardState FromProfile(CardProfile profile)
    {
        var serial = profile.SerialNumberBytes;
        var kdd = profile.Scp03.DiversificationData is { } hex
            ? CardProfile.ParseHex(hex, "scp03.diversificationData")
            : [.. serial, 0x00, 0x00];
        var i = CardProfile.ParseHex(profile.Scp03.I, "scp03.i")[0];
        return new CardState(LifeCycles.CardFromProfile(profile.LifeCycle), i, kdd, CplcData.Build(serial), [], serial, []);
    }

    public static CardState Load(NonVolatileMemory nvm)
    {
        var bytes = BlobCodec.Read(nvm, ManagerSlots.CardState) ?? throw new InvalidOperationException("the card manager state is missing from NVM");
        var r = new RecordReader(bytes);
        if (r.U8() != Version)
        {
            throw new InvalidOperationException("unknown card manager state version");
        }

        return new CardState(r.U8(), r.U8(), r.Lv(), r.Lv(), r.Lv(), r.Lv(), r.Lv());
    }

    public void Save(NonVolatileMemory nvm) =>
        BlobCodec.Write(nvm, ManagerSlots.CardState, new RecordWriter().U8(Version).U8(LifeCycle).U8(ScpI).Lv(Kdd).Lv(Cplc).Lv(Iin).Lv(Cin).Lv(CardData).ToArray());

    /// <summary>The value of tag 66: the stored one, or the default card recognition data for this card's "i".</summary>
    public byte[] CardDataValue => CardData.Length > 0 ? CardData : CardRecognitionData.DefaultCardData(ScpI);

    public string Describe() =>
        $"card lifeCycle={LifeCycles.CardName(LifeCycle)} i={ScpI:X2} kdd={Convert.ToHexString(Kdd)} cplc={Convert.ToHexString(Cplc)} " +
        $"iin={Convert.ToHexString(Iin)} cin={Convert.ToHexString(Cin)} cardData={Convert.ToHexString(CardData)}";
}

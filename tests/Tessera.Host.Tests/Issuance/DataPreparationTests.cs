using Tessera.Crypto;
using Tessera.Host.GlobalPlatform;
using Tessera.Host.Issuance;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.Issuance;

/// <summary>DataPreparation of samples/purse-profile.json with samples/purse-card-0001.json.</summary>
public sealed class DataPreparationTests
{
    internal static readonly byte[] FakeAssembly = Enumerable.Range(0, 3000).Select(i => (byte)(i * 31)).ToArray();

    internal static IssuanceProfile Profile => IssuanceProfile.Load(SampleFiles.Path("samples/purse-profile.json"));

    internal static CardRecord Card => CardRecord.Load(SampleFiles.Path("samples/purse-card-0001.json"));

    [Fact]
    public void SampleProfileGivesTheExpectedCommandList()
    {
        var commands = DataPreparation.Prepare(Profile, Card, new DataPreparationOptions { LoadFileBytes = FakeAssembly });
        Assert.Equal(
            [IssuanceFunction.Load, IssuanceFunction.Load, IssuanceFunction.Install, IssuanceFunction.Personalize, IssuanceFunction.Personalize, IssuanceFunction.Personalize, IssuanceFunction.Personalize],
            commands.Select(c => c.Function));
        Assert.Equal([true, false, true, true, false, false, false], commands.Select(c => c.StartsFunction));

        Assert.Equal("80E602000B06F054455353000000000000", commands[0].Command.ToString());
        // one extended LOAD with the whole Load File: C4 82 0BB8 + 3000 bytes
        var load = commands[1].Command;
        Assert.Equal((0xE8, 0x80, 0x00), (load.Ins, load.P1, load.P2));
        Assert.True(load.IsExtended);
        Assert.Equal(LoadCommand.LoadFile(FakeAssembly), load.Data.ToArray());

        Assert.Equal("80E60C001F" + "06F05445535300" + "07F0544553530101" + "07F0544553530101" + "03000000" + "02C900" + "00" + "00", commands[2].Command.ToString());
        Assert.Equal("80E620000D000007F054455353010100000000", commands[3].Command.ToString());
        Assert.Equal("80E2080008" + "0101" + "05" + "000186A010", commands[4].Command.ToString());
        Assert.Equal("80E2080107" + "0102" + "04" + "00000000", commands[5].Command.ToString());
        Assert.Equal("80E2880213" + "8101" + "10" + "000102030405060708090A0B0C0D0E0F", commands[6].Command.ToString());
    }

    [Fact]
    public void LoadBlocksCanBeShortForScripts()
    {
        var commands = DataPreparation.Prepare(Profile, Card, new DataPreparationOptions { LoadFileBytes = FakeAssembly, LoadBlockSize = 1000 });
        var loads = commands.Where(c => c.Command.Ins == LoadCommand.Ins).ToList();
        Assert.Equal(4, loads.Count); // 3004 bytes
        Assert.Equal(LoadCommand.LoadFile(FakeAssembly), loads.SelectMany(l => l.Command.Data.ToArray()).ToArray());
    }

    [Fact]
    public void MissingFieldNamesThePlaceholder()
    {
        var card = new CardRecord(new Dictionary<string, string> { ["maxBalance"] = "000186A0" });
        var e = Assert.Throws<KeyNotFoundException>(() => DataPreparation.Prepare(Profile, card, new DataPreparationOptions { LoadFileBytes = FakeAssembly }));
        Assert.Contains("{logCapacity}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PlaceholdersAreListedAndFilled()
    {
        Assert.Equal(["maxBalance", "logCapacity"], CardRecord.PlaceholdersIn("{maxBalance}{logCapacity}"));
        Assert.Equal(Hex.Parse("000186A010"), Card.FillHex("{maxBalance} {logCapacity}"));
        Assert.Throws<FormatException>(() => new CardRecord(new Dictionary<string, string> { ["x"] = "zz" }).FillHex("{x}"));
    }

    [Fact]
    public void KeysAndLifeCycleNeedTheCurrentDek()
    {
        var profile = Profile with
        {
            LoadFile = null,
            Instances = [],
            Personalisation = [],
            Keys = [new KeySetSpec { Kvn = "31", ReplaceKvn = "30", Enc = "{creditKey}", Mac = "{creditKey}", Dek = "{creditKey}" }],
            FinalCardLifeCycle = "0F",
        };
        Assert.Throws<InvalidOperationException>(() => DataPreparation.Prepare(profile, Card));
        var dek = Hex.Parse("404142434445464748494A4B4C4D4E4F");
        var commands = DataPreparation.Prepare(profile, Card, new DataPreparationOptions { CurrentKeys = StaticKeys.FromSingleKey(dek) });
        Assert.Equal([IssuanceFunction.PutKey, IssuanceFunction.LifeCycle], commands.Select(c => c.Function));
        var newKeys = StaticKeys.FromSingleKey(Hex.Parse("000102030405060708090A0B0C0D0E0F"));
        Assert.Equal(PutKeyCommand.Build(0x31, 0x30, newKeys, dek).ToArray(), commands[0].Command.ToArray());
        Assert.Equal("80F0800F", commands[1].Command.ToString());
    }

    [Fact]
    public void ProfileJsonRoundTrips()
    {
        var profile = Profile;
        var again = IssuanceProfile.Parse(profile.ToJson(), profile.BaseDirectory);
        Assert.Equal(profile.ToJson(), again.ToJson());
        Assert.EndsWith(System.IO.Path.Combine("src", "Tessera.Applets", "bin", "Debug", "net10.0", "Tessera.Applets.dll"), profile.ResolveLoadFilePath(), StringComparison.Ordinal);
    }
}

using System.Buffers.Binary;
using Tessera.Card.Tests.Runtime;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Applets.Tests;

/// <summary>A bench with the built-in load file and one purse instance, plus the issuer's side of the purse protocol.</summary>
internal sealed class PurseCard
{
    public const string Instance = "F054455353010101";
    public static readonly byte[] CreditKey = Hex.Parse("00112233445566778899AABBCCDDEEFF");

    public PurseCard(bool personalise = true, uint maxBalance = 100_000, byte logCapacity = 5)
    {
        Bench.Install(Bench.Load(AppletBench.AppletsLoadFile), "F0544553530101", Instance);
        Assert.Equal(0x9000, Bench.Select(Instance));
        if (personalise)
        {
            Bench.IsdSecureChannel = true;
            Bench.Expect($"80E20000{Perso(maxBalance, logCapacity).Length:X2}{Hex.Format(Perso(maxBalance, logCapacity))}", 0x9000);
            Bench.Expect($"80E28001{Dgi.Encode(0x8101, CreditKey).Length:X2}{Hex.Format(Dgi.Encode(0x8101, CreditKey))}", 0x9000);
            Bench.IsdSecureChannel = false;
        }
    }

    public AppletBench Bench { get; } = new();

    public static byte[] Perso(uint maxBalance, byte logCapacity)
    {
        var parameters = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(parameters, maxBalance);
        parameters[4] = logCapacity;
        return Dgi.Encode(0x0101, parameters);
    }

    public (uint Balance, uint Max, uint Counter) Balance()
    {
        var data = Bench.Expect("8050000000", 0x9000);
        return (BinaryPrimitives.ReadUInt32BigEndian(data), BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(4)), BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(8)));
    }

    /// <summary>The CREDIT command with the issuer's MAC: CMAC(key, instance AID ‖ 52 ‖ amount ‖ counter)[0..8].</summary>
    public static string CreditCommand(uint amount, uint counter, byte[]? key = null)
    {
        var input = new byte[Aid.Parse(Instance).Length + 1 + 4 + 4];
        Hex.Parse(Instance).CopyTo(input, 0);
        input[8] = 0x52;
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(9), amount);
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(13), counter);
        var mac = AesCmac.Compute(key ?? CreditKey, input)[..8];
        return $"805200000C{amount:X8}{Hex.Format(mac)}04";
    }

    public byte[] Credit(uint amount, ushort sw = 0x9000) => Bench.Expect(CreditCommand(amount, Balance().Counter), sw);

    public byte[] Debit(uint amount, ushort sw = 0x9000) => Bench.Expect($"8054000004{amount:X8}04", sw);

    /// <summary>The log, newest first: (type, ATC, amount, balance after).</summary>
    public List<(byte Type, uint Atc, uint Amount, uint Balance)> Log()
    {
        var data = Bench.Expect("8056000000", 0x9000);
        Assert.Equal(0, data.Length % 13);
        return [.. data.Chunk(13).Select(e => (e[0], BinaryPrimitives.ReadUInt32BigEndian(e.AsSpan(1)), BinaryPrimitives.ReadUInt32BigEndian(e.AsSpan(5)), BinaryPrimitives.ReadUInt32BigEndian(e.AsSpan(9))))];
    }
}

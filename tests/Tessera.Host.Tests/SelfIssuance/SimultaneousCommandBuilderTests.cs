using Tessera.Crypto;
using Tessera.Host.Issuance;
using Tessera.Host.SelfIssuance;
using Tessera.Host.Tests.Issuance;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>SimultaneousCommandBuilder: SPEC §4.3 bytes, read back by the independent <see cref="StructureReader"/>; sealing (§4.9).</summary>
public sealed class SimultaneousCommandBuilderTests
{
    internal static IReadOnlyList<PreparedCommand> Sample(byte[]? assembly = null) =>
        DataPreparation.Prepare(DataPreparationTests.Profile, DataPreparationTests.Card, new DataPreparationOptions { LoadFileBytes = assembly ?? DataPreparationTests.FakeAssembly });

    [Fact]
    public void ExactBytesOfASmallStructure()
    {
        var builder = new SimultaneousCommandBuilder()
            .Add(CommandApdu.Parse(Hex.Parse("80CA9F7F00")), recoveryPoint: true)
            .Add(Hex.Parse("80F0800F"))
            .AddDecision(0x6A88, 0xFFFF, DecisionVerdict.Success);

        // header 4 + r (2 + 6) + d (1 + 5) = 18 = 0x12: the first command's length field
        Assert.Equal(
            "01030002" + "0001" + "0001" + "00000012" + "01" + "6A88FFFF00" + "00000005" + "80CA9F7F00" + "00000004" + "80F0800F",
            Convert.ToHexString(builder.Build()));
        Assert.Equal([new RecoveryPoint(1, 0x12)], builder.GetRecoveryPoints());
        Assert.Equal(18 + 9 + 8, builder.EncodedLength);
    }

    [Fact]
    public void PreparedSampleGetsARecoveryPointAtTheStartOfEachFunction()
    {
        var prepared = Sample();
        var builder = SimultaneousCommandBuilder.FromPrepared(prepared);
        var bytes = builder.Build();
        var read = StructureReader.Read(bytes);

        Assert.Equal(1, read.Version);
        Assert.Equal(0x01, read.Flags);
        Assert.Equal(7, read.M);
        // INSTALL [for load] 1, INSTALL [for install and make selectable] 3, INSTALL [for personalization] 4
        Assert.Equal([1, 3, 4], read.RecoveryPoints.Select(p => p.Number));
        Assert.Equal(prepared.Select(p => Convert.ToHexString(p.Command.ToArray())), read.Commands.Select(c => Convert.ToHexString(c.Apdu)));
        // header 4 + 2 + 3 × 6 = 24: first length field
        Assert.Equal(24, read.Commands[0].Offset);
        Assert.Equal(read.RecoveryPoints.Select(p => p.Offset), new[] { 1, 3, 4 }.Select(n => read.Commands[n - 1].Offset));
        Assert.Equal(builder.GetRecoveryPoints().Select(p => ((int)p.CommandNumber, (long)p.Offset)), read.RecoveryPoints);
        Assert.Equal(bytes.Length, builder.EncodedLength);
        // the LOAD is one extended command with the whole Load File (direct reference, SPEC §4.8)
        Assert.Equal(0xE8, read.Commands[1].Apdu[1]);
        Assert.Equal(0x00, read.Commands[1].Apdu[4]);
    }

    [Fact]
    public void InstallCommandsStartFunctionsEvenWithoutTheFlag()
    {
        var unflagged = Sample().Select(p => p with { StartsFunction = false }).ToList();
        var read = StructureReader.Read(SimultaneousCommandBuilder.FromPrepared(unflagged).Build());
        Assert.Equal([1, 3, 4], read.RecoveryPoints.Select(p => p.Number));

        // and a flagged command that is not an INSTALL (PUT KEY, SET STATUS) gets one too
        var flagged = new SimultaneousCommandBuilder()
            .Add(new PreparedCommand(IssuanceFunction.LifeCycle, "GET DATA", CommandApdu.Parse(Hex.Parse("80CA006600")), false))
            .Add(new PreparedCommand(IssuanceFunction.LifeCycle, "SET STATUS", CommandApdu.Parse(Hex.Parse("80F0800F")), true));
        Assert.Equal([2], StructureReader.Read(flagged.Build()).RecoveryPoints.Select(p => p.Number));
        Assert.False(SimultaneousCommandBuilder.StartsFunction(CommandApdu.Parse(Hex.Parse("80E6080000"))));
        Assert.True(SimultaneousCommandBuilder.StartsFunction(CommandApdu.Parse(Hex.Parse("84E60C0000"))));
    }

    [Fact]
    public void ExtraRecoveryPointsAndDecisionTable()
    {
        var builder = SimultaneousCommandBuilder.FromPrepared(Sample())
            .AddRecoveryPoint(2)
            .AddRecoveryPoint(3)
            .AddRecoveryPoint(7)
            .AddDecision(0x6A80, 0xFFFF, DecisionVerdict.Failure)
            .AddDecision(new DecisionTableEntry(0x6200, 0xFF00, DecisionVerdict.Success));
        var read = StructureReader.Read(builder.Build());

        Assert.Equal(0x03, read.Flags);
        Assert.Equal([1, 2, 3, 4, 7], read.RecoveryPoints.Select(p => p.Number));
        Assert.Equal([((ushort)0x6A80, (ushort)0xFFFF, (byte)1), ((ushort)0x6200, (ushort)0xFF00, (byte)0)], read.Decisions);
        // header 4 + 2 + 5 × 6 + 1 + 2 × 5 = 47
        Assert.Equal(47, read.Commands[0].Offset);
        Assert.True(new DecisionTableEntry(0x6200, 0xFF00, DecisionVerdict.Success).Matches(0x6283));
    }

    [Fact]
    public void WithoutRecoveryPointsTheCommandsFollowTheHeader()
    {
        var bytes = new SimultaneousCommandBuilder().Add(Hex.Parse("80CA9F7F00")).Add(Hex.Parse("80CA006600")).Build();
        Assert.Equal("01000002" + "00000005" + "80CA9F7F00" + "00000005" + "80CA006600", Convert.ToHexString(bytes));
        Assert.Equal([4L, 13L], StructureReader.Read(bytes).Commands.Select(c => c.Offset));
    }

    [Fact]
    public void LargeExtendedLoadBlocks()
    {
        var assembly = Enumerable.Range(0, 150_000).Select(i => (byte)(i * 7)).ToArray();
        var prepared = Sample(assembly);
        var read = StructureReader.Read(SimultaneousCommandBuilder.FromPrepared(prepared).Build());
        var loads = read.Commands.Where(c => c.Apdu[1] == 0xE8).ToList();
        Assert.Equal(3, loads.Count); // 150,005 bytes of Load File in 65535-byte blocks
        Assert.All(loads, l => Assert.True(l.Apdu.Length <= 4 + 3 + 65535 + 2));
        Assert.Equal(prepared.Count, read.M);
        Assert.Equal(new[] { 1, 5, 6 }, read.RecoveryPoints.Select(p => p.Number));
    }

    [Fact]
    public void RefusesWhatACardWouldRefuse()
    {
        Assert.Contains("none were added", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().Build()).Message);
        Assert.Contains("command 1", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().Add(Hex.Parse("80CA9F"))).Message);
        Assert.Contains("command 2", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().Add(Hex.Parse("80CA9F7F00")).Add(Hex.Parse("80E2000005AABB"))).Message);
        Assert.Contains("extended Lc 0000", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().Add(Hex.Parse("80E800000000000102"))).Message);
        Assert.Contains("beyond the last command", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().Add(Hex.Parse("80F0800F")).AddRecoveryPoint(2).Build()).Message);
        Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().AddRecoveryPoint(0));
        Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().AddRecoveryPoint(65536));
        Assert.Contains("00 (success) nor 01", Assert.Throws<ArgumentException>(() => new SimultaneousCommandBuilder().AddDecision(0x9000, 0xFFFF, (DecisionVerdict)2)).Message);

        var full = new SimultaneousCommandBuilder();
        for (var i = 0; i < 255; i++)
        {
            full.AddDecision((ushort)i, 0xFFFF, DecisionVerdict.Failure);
        }

        Assert.Contains("at most 255", Assert.Throws<ArgumentException>(() => full.AddDecision(0x9000, 0xFFFF, DecisionVerdict.Success)).Message);

        var many = new SimultaneousCommandBuilder();
        var command = Hex.Parse("80F0800F");
        for (var i = 0; i < 65535; i++)
        {
            many.Add(command);
        }

        Assert.Contains("at most 65535", Assert.Throws<ArgumentException>(() => many.Add(command)).Message);
        var read = StructureReader.Read(many.AddRecoveryPoint(65535).Build());
        Assert.Equal(65535, read.M);
        Assert.Equal(4 + 2 + 6 + (65534L * 8), read.RecoveryPoints.Single().Offset);
    }

    [Fact]
    public void SealedStructureOpensWithTheCardKeyOnly()
    {
        using var card = IssuanceKeyPair.Generate();
        using var other = IssuanceKeyPair.Generate();
        var builder = SimultaneousCommandBuilder.FromPrepared(Sample()).AddDecision(0x6A88, 0xFFFF, DecisionVerdict.Success);
        var clear = builder.Build();
        var sealedFile = builder.BuildSealed(card.PublicKey);

        // header: version 01, flags = recovery points | decision table | sealed, m = 7
        Assert.Equal("01070007", Convert.ToHexString(sealedFile.AsSpan(0, 4)));
        Assert.Equal(clear.Length + 65 + 12 + 16, sealedFile.Length);
        Assert.Equal(0x04, sealedFile[4]); // the ephemeral public key, uncompressed
        Assert.True(IssuanceSeal.TryOpen(sealedFile, card, out var plaintext));
        Assert.Equal(clear.AsSpan(4).ToArray(), plaintext);
        Assert.Equal(7, StructureReader.Read([.. clear.AsSpan(0, 4), .. plaintext]).M);
        // the clear script is nowhere in the sealed file
        Assert.Equal(-1, sealedFile.AsSpan().IndexOf(clear.AsSpan(24, 40)));

        Assert.False(IssuanceSeal.TryOpen(sealedFile, other, out _));
        foreach (var position in new[] { 1, 10, 4 + 65 + 3, sealedFile.Length / 2, sealedFile.Length - 1 })
        {
            var tampered = (byte[])sealedFile.Clone();
            tampered[position] ^= 0x01;
            Assert.False(IssuanceSeal.TryOpen(tampered, card, out _));
        }

        // a fresh ephemeral key and nonce each time
        Assert.NotEqual(sealedFile, builder.BuildSealed(card.PublicKey));
        Assert.Throws<ArgumentException>(() => builder.BuildSealed(card.PublicKey.AsSpan(0, 64)));
        Assert.True(SimultaneousCommandHeader.Parse(sealedFile).IsSealed);
    }

    [Fact]
    public void HeaderParsing()
    {
        Assert.Equal(new SimultaneousCommandHeader(1, SimultaneousCommandFlags.RecoveryPoints | SimultaneousCommandFlags.Sealed, 0x0102), SimultaneousCommandHeader.Parse(Hex.Parse("01050102")));
        Assert.Throws<FormatException>(() => SimultaneousCommandHeader.Parse(Hex.Parse("010001")));
        Assert.Throws<FormatException>(() => SimultaneousCommandHeader.Parse(Hex.Parse("02000001")));
        Assert.Throws<FormatException>(() => SimultaneousCommandHeader.Parse(Hex.Parse("01080001")));
        Assert.Throws<FormatException>(() => SimultaneousCommandHeader.Parse(Hex.Parse("01000000")));
    }
}

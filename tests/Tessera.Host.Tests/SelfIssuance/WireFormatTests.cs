using Tessera.Crypto;
using Tessera.Host.SelfIssuance;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>START / GET ISSUANCE STATUS / CLEAR / CONFIRM bytes, the E5 template, FF50, DF51 and the command storage commands.</summary>
public sealed class WireFormatTests
{
    [Fact]
    public void SelfIssuanceCommandBytes()
    {
        Assert.Equal("805A0000" + "04" + "83025F01" + "00", SelfIssuanceCommands.Start(0x5F01).ToString());
        Assert.Equal("805B000000", SelfIssuanceCommands.GetStatus().ToString());
        Assert.Equal("805C0000", SelfIssuanceCommands.Clear().ToString());
        Assert.Equal("805D0000", SelfIssuanceCommands.Confirm().ToString());

        var resume = new StartSelfIssuance { Fid = 0x5F01, Mode = StartMode.StartAt, StartCommand = 3, ReadLength = 0x1234, Background = true };
        Assert.Equal("805A0101" + "0E" + "83025F01" + "C20400001234" + "C3020003" + "00", resume.ToCommand().ToString());

        var group = new StartSelfIssuance { GroupName = "purse", Mode = StartMode.Restart, ReadOffset = 0x10 };
        Assert.Equal("805A8000" + "0D" + "C0057075727365" + "C10400000010" + "00", group.ToCommand().ToString());
        Assert.Equal("805A8000" + "04" + "83025F02" + "00", SelfIssuanceCommands.Start(0x5F02, StartMode.Restart).ToString());
    }

    [Fact]
    public void StartRefusesCombinationsTheSpecDoesNotAllow()
    {
        Assert.Contains("C3", Assert.Throws<ArgumentException>(() => new StartSelfIssuance { Fid = 1, Mode = StartMode.StartAt }.ToCommand()).Message);
        Assert.Contains("P1 01 only", Assert.Throws<ArgumentException>(() => new StartSelfIssuance { Fid = 1, StartCommand = 2 }.ToCommand()).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => new StartSelfIssuance { Fid = 1, GroupName = "purse" }.ToCommand()).Message);
        Assert.Throws<ArgumentException>(() => new StartSelfIssuance { GroupName = "bourse\u00e9" }.ToCommand());
        Assert.Throws<ArgumentException>(() => new StartSelfIssuance { Fid = 1, Mode = StartMode.StartAt, StartCommand = 0 }.ToCommand());
        Assert.Throws<ArgumentException>(() => new StartSelfIssuance { Fid = 1, Mode = (StartMode)0x02 }.ToCommand());
    }

    [Fact]
    public void FailedStatusTemplate()
    {
        var status = IssuanceStatus.Parse(Hex.Parse("E5 21 C001 03 C102 0004 C202 0007 C302 0005 C404 80E20800 C502 6A80 C602 0004 8302 5F01"));
        Assert.Equal(IssuanceState.Failed, status.State);
        Assert.Equal(4, status.PrecedingCommands);
        Assert.Equal(7, status.CommandCount);
        Assert.Equal(5, status.FailingCommand);
        Assert.Equal(new CommandHeader(0x80, 0xE2, 0x08, 0x00), status.FailingHeader);
        Assert.Equal(new StatusWord(0x6A80), status.FailingStatusWord);
        Assert.Equal(4, status.ResumeAt);
        Assert.Equal((ushort)0x5F01, status.Fid);
        Assert.Contains("command 5 (80E20800) answered 6A80", status.ToString());
    }

    [Theory]
    [InlineData("E5 0F C001 02 C102 0007 C202 0007 8302 5F01", IssuanceState.Completed, 7, 7, null)]
    [InlineData("E5 13 C001 04 C102 0002 C202 0007 C602 0003 8302 5F01", IssuanceState.Interrupted, 2, 7, 3)]
    [InlineData("E5 0B C001 01 C102 0000 C202 0007", IssuanceState.Running, 0, 7, null)]
    [InlineData("E5 0F C001 05 C102 0007 C202 0007 8302 5F01", IssuanceState.Confirmed, 7, 7, null)]
    [InlineData("E5 0F C001 06 C102 0000 C202 0007 8302 5F01", IssuanceState.Cleared, 0, 7, null)]
    [InlineData("E5 03 C001 00", IssuanceState.None, 0, 0, null)]
    [InlineData("E5 0B C001 00 C102 0000 C202 0000", IssuanceState.None, 0, 0, null)]
    public void OtherStatusTemplates(string hex, IssuanceState state, int preceding, int m, int? resumeAt)
    {
        var status = IssuanceStatus.Parse(Hex.Parse(hex));
        Assert.Equal((state, preceding, m, resumeAt), (status.State, status.PrecedingCommands, status.CommandCount, status.ResumeAt));
        Assert.Null(status.FailingCommand);
    }

    [Theory]
    [InlineData("", "not a BER-TLV")]
    [InlineData("E4 03 C001 00", "E5, not E4")]
    [InlineData("E5 03 C001 00 00", "follow the E5")]
    [InlineData("E5 04 C001 00", "not a BER-TLV")]
    [InlineData("E5 00", "no state")]
    [InlineData("E5 06 C001 00 C001 00", "twice")]
    [InlineData("E5 06 C001 02 C101 07", "2 bytes, not 1")]
    [InlineData("E5 0B C001 07 C102 0000 C202 0000", "not defined")]
    [InlineData("E5 07 C001 02 C102 0007", "must carry the number of preceding commands")]
    [InlineData("E5 07 C001 00 C702 0001", "not part of the E5")]
    [InlineData("E5 0B C001 03 C102 0004 C202 0007", "failing command number (C3), header (C4) and status word (C5)")]
    [InlineData("E5 0F C001 02 C102 0007 C202 0007 C502 6A80", "belong to state failed")]
    [InlineData("E5 0B C001 02 C102 0008 C202 0007", "8 preceding commands of only 7")]
    [InlineData("E5 05 C003 000102", "1 bytes, not 3")]
    public void MalformedStatusTemplatesAreRefused(string hex, string message)
    {
        var e = Assert.Throws<FormatException>(() => IssuanceStatus.Parse(Hex.Parse(hex)));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void FileManagementTable()
    {
        const string entries = "610B 83025F01 80021000 C00101" + "6114 83025F02 800400012000 C00100 C8057075727365";
        var table = CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 23" + entries));
        Assert.Equal(
            [new CommandStorageFile(0x5F01, 0x1000, 0x01, null), new CommandStorageFile(0x5F02, 0x12000, 0x00, "purse")],
            table);
        Assert.True(table[0].DirectAccess);
        Assert.False(table[1].DirectAccess);
        Assert.Equal(table, CommandStorage.ParseFileManagementTable(Hex.Parse(entries)));
        Assert.Empty(CommandStorage.ParseFileManagementTable(Hex.Parse("FF5000")));
        // a tag SPEC does not name inside an entry is skipped
        Assert.Equal(0x5F03, CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 11 610F 83025F03 80020100 C00101 C2020000")).Single().Fid);

        Assert.Contains("no FID", Assert.Throws<FormatException>(() => CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 09 6107 80021000 C00101"))).Message);
        Assert.Contains("not 62", Assert.Throws<FormatException>(() => CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 0D 620B 83025F01 80021000 C00101"))).Message);
        Assert.Contains("2 or 4 bytes", Assert.Throws<FormatException>(() => CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 0E 610C 83025F01 8003001000 C00101"))).Message);
        Assert.Contains("follow the FF50", Assert.Throws<FormatException>(() => CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 00 61"))).Message);
        Assert.Contains("twice", Assert.Throws<FormatException>(() => CommandStorage.ParseFileManagementTable(Hex.Parse("FF50 11 610F 83025F01 83025F01 80021000 C00101"))).Message);
    }

    [Fact]
    public void CardIssuancePublicKey()
    {
        using var pair = IssuanceKeyPair.Generate();
        Assert.Equal(pair.PublicKey, CommandStorage.ParseIssuancePublicKey([0xDF, 0x51, 0x41, .. pair.PublicKey]));
        Assert.Equal(pair.PublicKey, CommandStorage.ParseIssuancePublicKey(pair.PublicKey));
        Assert.Throws<FormatException>(() => CommandStorage.ParseIssuancePublicKey(pair.PublicKey.AsSpan(0, 64)));
        Assert.Throws<FormatException>(() => CommandStorage.ParseIssuancePublicKey([0x02, .. pair.PublicKey.AsSpan(1)]));
        Assert.Throws<FormatException>(() => CommandStorage.ParseIssuancePublicKey([0xDF, 0x51, 0x41, .. pair.PublicKey, 0x00]));
        var offCurve = (byte[])pair.PublicKey.Clone();
        offCurve[64] ^= 0x01;
        Assert.Contains("not a point on P-256", Assert.Throws<FormatException>(() => CommandStorage.ParseIssuancePublicKey(offCurve)).Message);
    }

    [Fact]
    public void CommandStorageCommands()
    {
        Assert.Equal("00A4000C027F50", CommandStorage.SelectDf().ToString());
        Assert.Equal("00A40200025F0100", CommandStorage.SelectEf(0x5F01).ToString());
        Assert.Equal("00E4000002" + "5F01", CommandStorage.DeleteEf(0x5F01).ToString());
        Assert.Equal(
            "00E000001B" + "6219" + "820101" + "83025F01" + "80021234" + "A50C" + "C00101" + "C10130" + "C20130" + "C30130",
            CommandStorage.CreateEf(0x5F01, 0x1234).ToString());
        Assert.Equal(
            "00E000001D" + "621B" + "820101" + "83025F01" + "800400012345" + "A50C" + "C00100" + "C10130" + "C20130" + "C30130",
            CommandStorage.CreateEf(0x5F01, 0x12345, directAccess: false).ToString());
        Assert.Throws<ArgumentException>(() => CommandStorage.CreateEf(0x7F50, 10));
        Assert.Throws<ArgumentException>(() => CommandStorage.CreateEf(0x5F01, 0));

        // odd-INS UPDATE BINARY, always extended: 54 offset (fewest bytes), 53 data
        Assert.Equal("00D75F01" + "000008" + "54020102" + "5302AABB", CommandStorage.UpdateBinary(0x5F01, 0x0102, [0xAA, 0xBB]).ToString());
        Assert.Equal("00D75F01" + "000006" + "540100" + "5301AA", CommandStorage.UpdateBinary(0x5F01, 0, [0xAA]).ToString());
        var big = CommandStorage.UpdateBinary(0x5F01, 0x12345, new byte[300]);
        Assert.Equal("00D75F01" + "000135" + "5403012345" + "5382012C", Convert.ToHexString(big.ToArray().AsSpan(0, 16)));
        Assert.Equal(7 + 5 + 4 + 300, big.EncodedLength);
    }

    [Theory]
    [InlineData(Scp03SecurityLevel.CMac, 0L)]
    [InlineData(Scp03SecurityLevel.CMac, 70_000L)]
    [InlineData(Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption, 0L)]
    [InlineData(Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption, 200L)]
    [InlineData(Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption | Scp03SecurityLevel.RMac | Scp03SecurityLevel.REncryption, 0x1000000L)]
    public void UpdateBinaryChunksFillAnExtendedApduAfterSecureMessaging(Scp03SecurityLevel level, long offset)
    {
        var chunk = CommandStorage.MaxUpdateBinaryChunk(level, offset);
        var command = CommandStorage.UpdateBinary(0x5F01, offset, new byte[chunk]);
        Assert.True(Scp03Wrapper.WrappedDataLength(command.Nc, level) <= 65535);
        var oneMore = 7 + (offset <= 0xFF ? 1 : offset <= 0xFFFF ? 2 : offset <= 0xFFFFFF ? 3 : 4) + chunk + 1;
        Assert.True(Scp03Wrapper.WrappedDataLength(oneMore, level) > 65535);
        Assert.True(chunk > 65_400);
    }

    [Fact]
    public void EfControlParameters()
    {
        var (size, flags) = CommandStorage.ParseEfFcp(Hex.Parse("621C 80021000 820101 83025F01 8A0105 A50C C00101 C10130 C20130 C30130"));
        Assert.Equal((0x1000L, (byte)0x01), (size, flags));
        Assert.Equal((0x12345L, (byte)0), CommandStorage.ParseEfFcp(Hex.Parse("620D 800400012345 820101 83025F01")));
        Assert.Throws<FormatException>(() => CommandStorage.ParseEfFcp(Hex.Parse("6207 820101 83025F01")));
        Assert.Throws<FormatException>(() => CommandStorage.ParseEfFcp(Hex.Parse("6F03 820101")));
    }
}

using System.Security.Cryptography;
using Tessera.Card;
using Tessera.Crypto;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>
/// A card written for these tests from SPEC §4 alone (the real card's self-issuance is built elsewhere): an ISD on
/// channel 0 with SCP03 through Tessera.Crypto's card-side <see cref="Scp03Unwrapper"/>, command storage DF 7F50
/// with SELECT / CREATE FILE / DELETE FILE / odd-INS UPDATE BINARY and a memory interface, GET DATA DF51, and START /
/// GET ISSUANCE STATUS / CLEAR / CONFIRM that "execute" a stored simultaneous command by reading it with the
/// independent <see cref="StructureReader"/> (opening the seal with its own issuance key) and counting its commands.
/// Faults: a failing command, a power loss after k commands of a START, background runs that keep the card busy
/// (privileged mode: everything answered 6985 without being unwrapped) for a number of exchanges.
/// </summary>
internal sealed class FakeSelfIssuanceCard : ICardConnection
{
    private static readonly byte[] IsdAid = Hex.Parse("A000000151000000");
    private static readonly byte[] Kdd = Hex.Parse("00112233445566778899");
    private readonly StaticKeys keys = StaticKeys.FromSingleKey(Hex.Parse("404142434445464748494A4B4C4D4E4F"));
    private readonly FakeMemory memory;
    private Scp03Unwrapper? session;
    private int challengeCounter;
    private bool powered;
    private bool memorySession;
    private bool inCommandStorage;
    private bool backgroundPending;
    private int busyLeft;
    private int pendingStart;
    private ReadStructure? script;
    private byte[]? scriptDigest;

    public FakeSelfIssuanceCard() => memory = new FakeMemory(this);

    public string Name => "fake self-issuance card";

    public IssuanceKeyPair IssuanceKey { get; } = IssuanceKeyPair.Generate();

    /// <summary>EFs of command storage: content and direct-access flag.</summary>
    public Dictionary<ushort, FakeEf> Files { get; } = [];

    // Issuance state (non-volatile).
    public byte State { get; private set; }

    public int Preceding { get; private set; }

    public int M { get; private set; }

    public ushort? StateFid { get; private set; }

    public int? FailingCommand { get; private set; }

    // Fault injection.

    /// <summary>The command whose status word is judged a failure (until set back to null).</summary>
    public int? FailAtCommand { get; set; }

    public ushort FailStatusWord { get; set; } = 0x6A80;

    /// <summary>One-shot: the next execution loses power after this many commands of its START.</summary>
    public int? PowerLossAfterCommands { get; set; }

    /// <summary>Exchanges answered 6985 after a background START before the run happens.</summary>
    public int BackgroundBusyExchanges { get; set; } = 2;

    public bool OfferMemoryInterface { get; set; }

    /// <summary>The memory interface refuses everything (access denied), as a card without that session would.</summary>
    public bool DenyMemory { get; set; }

    // Observations.

    /// <summary>Command numbers in execution order, over all STARTs.</summary>
    public List<int> Executed { get; } = [];

    /// <summary>The APDU bytes of each executed command, in execution order.</summary>
    public List<byte[]> ExecutedApdus { get; } = [];

    /// <summary>Every plain command dispatched (after unwrapping).</summary>
    public List<CommandApdu> Received { get; } = [];

    /// <summary>Every raw command that reached the card.</summary>
    public List<byte[]> Wire { get; } = [];

    public int MemoryWrites { get; private set; }

    public int Exchanges => Wire.Count;

    public IMemoryInterface? Memory => OfferMemoryInterface ? memory : null;

    public byte[] PowerOn()
    {
        Reboot();
        powered = true;
        return Hex.Parse("3B89800180575445535345524198");
    }

    public void PowerOff()
    {
        Reboot();
        powered = false;
    }

    public byte[] Reset() => PowerOn();

    public void Dispose() => IssuanceKey.Dispose();

    public byte[] Transmit(ReadOnlySpan<byte> bytes)
    {
        if (!powered)
        {
            throw new CardConnectionException(ConnectionFailure.CardMute, "the fake card is not powered");
        }

        Wire.Add(bytes.ToArray());
        if (backgroundPending)
        {
            if (busyLeft > 0)
            {
                busyLeft--;
                return [0x69, 0x85];
            }

            backgroundPending = false;
            Execute(pendingStart);
        }

        var wire = CommandApdu.Parse(bytes.ToArray());
        if (wire.Channel != 0)
        {
            return [0x68, 0x81];
        }

        if (wire.Ins == 0x82 && session is { IsAuthenticated: false, IsAborted: false })
        {
            if (!session.TryExternalAuthenticate(bytes, out _))
            {
                return [0x69, 0x82];
            }

            memorySession = true;
            return [0x90, 0x00];
        }

        if (session is { IsAuthenticated: true, IsAborted: false } current)
        {
            if (!ClassByte.HasSecureMessaging(wire.Cla) || !current.TryUnwrapCommand(bytes, out var plainBytes, out _))
            {
                current.Abort();
                return [0x69, 0x82];
            }

            var response = Dispatch(CommandApdu.Parse(plainBytes), authenticated: true);
            return ReferenceEquals(session, current) ? current.WrapResponse(response) : response;
        }

        return ClassByte.HasSecureMessaging(wire.Cla) ? [0x69, 0x82] : Dispatch(wire, authenticated: false);
    }

    /// <summary>The EF content as the card would hand it to START with no C1/C2 (for inspection).</summary>
    public byte[] Content(ushort fid) => Files[fid].Content;

    private void Reboot()
    {
        session = null;
        memorySession = false;
        inCommandStorage = false;
        if (backgroundPending || State == 0x01)
        {
            // Privileged mode ends with power: the issuance was interrupted before it could run.
            backgroundPending = false;
            State = 0x04;
        }
    }

    private byte[] Dispatch(CommandApdu c, bool authenticated)
    {
        Received.Add(c);
        switch (c.Ins)
        {
            case 0xA4:
                return Select(c);
            case 0x50:
                return InitializeUpdate(c);
            case 0xCA when c.P1P2 == 0xDF51:
                return [0xDF, 0x51, 0x41, .. IssuanceKey.PublicKey, 0x90, 0x00];
            case 0xCA:
                return [0x6A, 0x88];
        }

        if (!authenticated)
        {
            return [0x69, 0x82];
        }

        return c.Ins switch
        {
            0xE0 => CreateFile(c),
            0xE4 => DeleteFile(c),
            0xD7 => UpdateBinary(c),
            0x5A when c.Cla == 0x80 => Start(c),
            0x5B when c.Cla == 0x80 => [.. StatusTemplate(), 0x90, 0x00],
            0x5C when c.Cla == 0x80 => Clear(),
            0x5D when c.Cla == 0x80 => Confirm(),
            _ => [0x6D, 0x00],
        };
    }

    private byte[] Select(CommandApdu c)
    {
        var data = c.Data.ToArray();
        switch (c.P1)
        {
            case 0x04 when data.AsSpan().SequenceEqual(IsdAid):
                session = null;
                return [0x6F, 0x0A, 0x84, 0x08, .. IsdAid, 0x90, 0x00];
            case 0x00 when Convert.ToHexString(data) == "7F50":
                inCommandStorage = true;
                return [0x90, 0x00];
            case 0x02 when data.Length == 2 && inCommandStorage && Files.TryGetValue(Fid(data), out var ef):
                byte[] size = ef.Content.Length > 0xFFFF
                    ? [0x80, 0x04, (byte)(ef.Content.Length >> 24), (byte)(ef.Content.Length >> 16), (byte)(ef.Content.Length >> 8), (byte)ef.Content.Length]
                    : [0x80, 0x02, (byte)(ef.Content.Length >> 8), (byte)ef.Content.Length];
                byte[] body = [.. size, 0x82, 0x01, 0x01, 0x83, 0x02, .. data, 0xA5, 0x03, 0xC0, 0x01, ef.DirectAccess ? (byte)1 : (byte)0];
                return [0x62, (byte)body.Length, .. body, 0x90, 0x00];
            default:
                return [0x6A, 0x82];
        }
    }

    private byte[] InitializeUpdate(CommandApdu c)
    {
        var host = c.Data.ToArray();
        var card = Scp03Derivation.PseudoRandomCardChallenge(keys.Enc, ++challengeCounter, IsdAid);
        var sessionKeys = Scp03Derivation.DeriveSessionKeys(keys, host, card);
        session = new Scp03Unwrapper(sessionKeys, host, card);
        var response = new Scp03InitializeUpdateResponse(Kdd, 0x30, 0x70, card, Scp03Derivation.CardCryptogram(sessionKeys, host, card), Scp03Derivation.EncodeSequenceCounter(challengeCounter));
        return [.. response.ToBytes(), 0x90, 0x00];
    }

    private byte[] CreateFile(CommandApdu c)
    {
        if (!inCommandStorage)
        {
            return [0x69, 0x82];
        }

        var fcp = TlvNode.Parse(c.Data.Span);
        var fid = Fid(fcp.Find(new BerTag(0x83))!.Value.ToArray());
        var sizeBytes = fcp.Find(new BerTag(0x80))!.Value.ToArray();
        var size = sizeBytes.Aggregate(0, (s, b) => (s << 8) | b);
        var flags = fcp.Find(new BerTag(0xA5))?.Find(new BerTag(0xC0))?.Value.ToArray()[0] ?? 0;
        if (Files.ContainsKey(fid))
        {
            return [0x6A, 0x89];
        }

        Files[fid] = new FakeEf(new byte[size], (flags & 1) != 0);
        return [0x90, 0x00];
    }

    private byte[] DeleteFile(CommandApdu c) => inCommandStorage && c.Nc == 2 && Files.Remove(Fid(c.Data.ToArray())) ? [0x90, 0x00] : [0x6A, 0x82];

    private byte[] UpdateBinary(CommandApdu c)
    {
        if (!inCommandStorage || !Files.TryGetValue(c.P1P2, out var ef))
        {
            return [0x6A, 0x82];
        }

        // 54 L offset ‖ 53 L(BER) data, read by hand
        var d = c.Data.Span;
        if (d[0] != 0x54 || d[1] is < 1 or > 4)
        {
            return [0x6A, 0x80];
        }

        long offset = 0;
        for (var i = 0; i < d[1]; i++)
        {
            offset = (offset << 8) | d[2 + i];
        }

        var at = 2 + d[1];
        if (d[at] != 0x53)
        {
            return [0x6A, 0x80];
        }

        int length, header;
        (length, header) = d[at + 1] switch
        {
            < 0x80 => (d[at + 1], 2),
            0x81 => (d[at + 2], 3),
            0x82 => ((d[at + 2] << 8) | d[at + 3], 4),
            _ => (-1, 0),
        };
        if (length < 0 || at + header + length != d.Length)
        {
            return [0x6A, 0x80];
        }

        if (offset + length > ef.Content.Length)
        {
            return [0x6A, 0x84];
        }

        d.Slice(at + header, length).CopyTo(ef.Content.AsSpan((int)offset));
        return [0x90, 0x00];
    }

    private byte[] Start(CommandApdu c)
    {
        if (State == 0x02)
        {
            return [0x69, 0x85];
        }

        var tlvs = TlvNode.ParseAll(c.Data.Span).ToDictionary(n => n.Tag.Value, n => n.Value.ToArray());
        if (!tlvs.TryGetValue(0x83, out var fidBytes) || !Files.TryGetValue(Fid(fidBytes), out var ef))
        {
            return [0x6A, 0x82];
        }

        var fid = Fid(fidBytes);

        // Like the card (SPEC §4.4): another file's unfinished issuance makes a START of this one "not allowed now".
        if (State is 0x03 or 0x04 && StateFid != fid && c.P1 != 0x80)
        {
            return [0x69, 0x85];
        }

        var offset = tlvs.TryGetValue(0xC1, out var o) ? (int)U32(o) : 0;
        var length = tlvs.TryGetValue(0xC2, out var l) ? (int)U32(l) : ef.Content.Length - offset;
        if (offset + length > ef.Content.Length || length < 4)
        {
            return [0x6A, 0x80];
        }

        var content = ef.Content.AsSpan(offset, length).ToArray();
        var file = content;
        if ((content[1] & 0x04) != 0)
        {
            if (!IssuanceSeal.TryOpen(content, IssuanceKey, out var plaintext))
            {
                return [0x6A, 0x80];
            }

            file = [.. content.AsSpan(0, 4), .. plaintext];
        }

        ReadStructure read;
        try
        {
            read = StructureReader.Read(file);
        }
        catch (InvalidDataException)
        {
            return [0x6A, 0x80];
        }

        var digest = SHA256.HashData(content);
        var same = StateFid == fid && scriptDigest is not null && digest.AsSpan().SequenceEqual(scriptDigest) && State is 0x03 or 0x04;
        int start;
        switch (c.P1)
        {
            case 0x80:
                start = 1;
                break;
            case 0x01:
                if (!same || !tlvs.TryGetValue(0xC3, out var at))
                {
                    return [0x6A, 0x80];
                }

                start = (at[0] << 8) | at[1];
                if (start < 1 || start > Preceding + 1)
                {
                    return [0x6A, 0x80];
                }

                break;
            case 0x00:
                start = same ? RestartPoint(read, Preceding) : 1;
                break;
            default:
                return [0x6A, 0x86];
        }

        script = read;
        scriptDigest = digest;
        StateFid = fid;
        M = read.M;
        Preceding = start - 1;
        FailingCommand = null;
        State = 0x01;
        if (c.P2 == 0x01)
        {
            backgroundPending = true;
            busyLeft = BackgroundBusyExchanges;
            pendingStart = start;
            return [.. StatusTemplate(), 0x90, 0x00];
        }

        return Execute(start);
    }

    private byte[] Execute(int start)
    {
        var done = 0;
        for (var k = start; k <= M; k++)
        {
            if (PowerLossAfterCommands is { } limit && done == limit)
            {
                PowerLossAfterCommands = null;
                State = 0x04;
                powered = false;
                session = null;
                memorySession = false;
                throw new CardConnectionException(ConnectionFailure.CardMute, $"the fake card lost power after {done} commands of this START");
            }

            if (FailAtCommand == k)
            {
                State = 0x03;
                FailingCommand = k;
                return [.. StatusTemplate(), 0x63, 0x00];
            }

            Executed.Add(k);
            ExecutedApdus.Add(script!.Commands[k - 1].Apdu);
            Preceding = k;
            done++;
        }

        State = 0x02;
        return [.. StatusTemplate(), 0x90, 0x00];
    }

    private byte[] Clear()
    {
        if (State is not (0x02 or 0x03 or 0x04))
        {
            return [0x69, 0x85];
        }

        State = 0x06;
        Preceding = 0;
        FailingCommand = null;
        return [0x90, 0x00];
    }

    private byte[] Confirm()
    {
        if (State != 0x02)
        {
            return [0x69, 0x85];
        }

        State = 0x05;
        return [0x90, 0x00];
    }

    /// <summary>The greatest recovery point ≤ preceding + 1, or preceding + 1 without recovery points (SPEC §4.6).</summary>
    private static int RestartPoint(ReadStructure read, int preceding) =>
        read.RecoveryPoints.Select(p => p.Number).Where(n => n <= preceding + 1).DefaultIfEmpty(preceding + 1).Max();

    private byte[] StatusTemplate()
    {
        var v = new List<byte> { 0xC0, 0x01, State, 0xC1, 0x02, (byte)(Preceding >> 8), (byte)Preceding, 0xC2, 0x02, (byte)(M >> 8), (byte)M };
        if (State == 0x03 && FailingCommand is { } f)
        {
            var apdu = script!.Commands[f - 1].Apdu;
            v.AddRange([0xC3, 0x02, (byte)(f >> 8), (byte)f, 0xC4, 0x04, apdu[0], apdu[1], apdu[2], apdu[3], 0xC5, 0x02, (byte)(FailStatusWord >> 8), (byte)FailStatusWord]);
        }

        if (State is 0x03 or 0x04)
        {
            var resume = RestartPoint(script!, Preceding);
            v.AddRange([0xC6, 0x02, (byte)(resume >> 8), (byte)resume]);
        }

        if (StateFid is { } fid)
        {
            v.AddRange([0x83, 0x02, (byte)(fid >> 8), (byte)fid]);
        }

        return [0xE5, (byte)v.Count, .. v];
    }

    private static ushort Fid(byte[] two) => (ushort)((two[0] << 8) | two[1]);

    private static uint U32(byte[] four) => (uint)((four[0] << 24) | (four[1] << 16) | (four[2] << 8) | four[3]);

    internal sealed record FakeEf(byte[] Content, bool DirectAccess);

    private sealed class FakeMemory(FakeSelfIssuanceCard card) : IMemoryInterface
    {
        public void Write(ushort fid, int offset, ReadOnlySpan<byte> data)
        {
            var ef = Check(fid, offset, data.Length);
            data.CopyTo(ef.Content.AsSpan(offset));
            card.MemoryWrites++;
        }

        public byte[] Read(ushort fid, int offset, int length) => Check(fid, offset, length).Content.AsSpan(offset, length).ToArray();

        private FakeEf Check(ushort fid, int offset, int length)
        {
            if (!card.powered)
            {
                throw new CardConnectionException(ConnectionFailure.CardMute, "the fake card is not powered");
            }

            if (card.backgroundPending)
            {
                throw new MemoryAccessException(MemoryAccessError.Busy, "privileged mode");
            }

            if (card.DenyMemory || !card.memorySession)
            {
                throw new MemoryAccessException(MemoryAccessError.AccessDenied, "no memory-interface session");
            }

            if (!card.Files.TryGetValue(fid, out var ef))
            {
                throw new MemoryAccessException(MemoryAccessError.NotFound, $"no EF {fid:X4}");
            }

            if (!ef.DirectAccess)
            {
                throw new MemoryAccessException(MemoryAccessError.AccessDenied, "direct access not allowed");
            }

            return offset < 0 || offset + length > ef.Content.Length
                ? throw new MemoryAccessException(MemoryAccessError.OutOfRange, "outside the EF")
                : ef;
        }
    }
}

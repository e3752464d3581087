using Tessera.Crypto;
using Tessera.Host.Issuance;
using Tessera.Host.Link;
using Tessera.Host.SelfIssuance;
using Tessera.Host.Tests.GlobalPlatform;
using Tessera.Host.Transport;
using Tessera.Iso7816;

namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>SelfIssuanceManager against <see cref="FakeSelfIssuanceCard"/>: the flows of SPEC §4.6 and §5, faults at every exchange.</summary>
public sealed class SelfIssuanceManagerTests
{
    private const ushort Ef = CommandStorage.DefaultEfFid;

    /// <summary>The sample purse issuance: INSTALL [for load], LOAD, INSTALL, INSTALL [for personalization], 3 × STORE DATA.</summary>
    private static readonly IReadOnlyList<PreparedCommand> Prepared = SimultaneousCommandBuilderTests.Sample();

    /// <summary>The same with a 100 KB Load File: two extended LOADs, a structure that takes two UPDATE BINARY commands.</summary>
    private static readonly IReadOnlyList<PreparedCommand> Large = SimultaneousCommandBuilderTests.Sample(Enumerable.Range(0, 100_000).Select(i => (byte)(i * 13)).ToArray());

    private static SelfIssuanceOptions Fast(SelfIssuanceOptions? options = null) =>
        (options ?? new SelfIssuanceOptions()) with { PollInterval = TimeSpan.Zero, ReconnectDelay = TimeSpan.Zero };

    [Fact]
    public void HappyPathWritesStartsAndConfirms()
    {
        using var card = new FakeSelfIssuanceCard();
        var progress = new List<SelfIssuanceProgress>();
        var manager = new SelfIssuanceManager(card, Fast());
        manager.Progress += progress.Add;
        var summary = manager.Issue(Prepared);

        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal(0x05, card.State);
        Assert.Equal(Enumerable.Range(1, 7), card.Executed);
        Assert.Equal(Prepared.Select(p => Convert.ToHexString(p.Command.ToArray())), card.ExecutedApdus.Select(Convert.ToHexString));

        var structure = SimultaneousCommandBuilder.FromPrepared(Prepared).Build();
        Assert.Equal(structure, card.Content(Ef));
        var create = card.Received.Single(c => c.Ins == 0xE0);
        Assert.Equal(CommandStorage.CreateEf(Ef, structure.Length).ToString(), create.ToString());
        // No SELECT of the ISD (implicitly selected after power-on), no status read at first contact (START would
        // answer 6985 if the card held an unfinished issuance) and no SELECT of the EF before creating it.
        Assert.Equal([0x50, 0xA4, 0xE0, 0xD7, 0x5A, 0x5D], card.Received.Select(c => c.Ins));
        var start = card.Received.Single(c => c.Ins == 0x5A);
        Assert.Equal($"805A0000" + "0A" + "83025F01" + "C204" + structure.Length.ToString("X8") + "00", start.ToString());

        Assert.Equal(7, summary.ScriptCommands);
        Assert.Equal(structure.Length, summary.StructureBytes);
        Assert.False(summary.Sealed);
        Assert.False(summary.UsedMemoryInterface);
        Assert.Equal((1, 0, 0), (summary.StartAttempts, summary.Reconnects, summary.Polls));
        // INITIALIZE UPDATE, EXTERNAL AUTHENTICATE and the 5 plain commands above (the EA is not dispatched)
        Assert.Equal(card.Exchanges, summary.Exchanges);
        Assert.Equal(7, summary.Exchanges);
        Assert.Equal(card.Wire.Sum(w => (long)w.Length), summary.BytesToCard);
        Assert.True(summary.BytesToCard > structure.Length);
        Assert.Null(summary.ModelledLinkTime);
        Assert.All(Enumerable.Range(1, 7), n => Assert.Equal(CommandProgress.Done, summary.Progress[n]));
        Assert.Equal("LOAD block 1/1", summary.Progress.DescriptionOf(2));

        var stages = progress.Select(p => p.Stage).ToList();
        Assert.True(stages.IndexOf(SelfIssuanceStage.Written) < stages.IndexOf(SelfIssuanceStage.Started));
        Assert.Equal(SelfIssuanceStage.Confirmed, stages[^1]);
        Assert.Equal(structure.Length, progress.Single(p => p.Stage == SelfIssuanceStage.Written).BytesWritten);
    }

    [Theory]
    [InlineData(Scp03SecurityLevel.CMac)]
    [InlineData(Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption)]
    [InlineData(Scp03SecurityLevel.CMac | Scp03SecurityLevel.CDecryption | Scp03SecurityLevel.RMac | Scp03SecurityLevel.REncryption)]
    public void LargeStructureGoesInExtendedUpdateBinaryChunks(Scp03SecurityLevel level)
    {
        using var card = new FakeSelfIssuanceCard();
        var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { SecurityLevel = level })).Issue(Large);

        var structure = SimultaneousCommandBuilder.FromPrepared(Large).Build();
        Assert.Equal(structure, card.Content(Ef));
        var writes = card.Received.Where(c => c.Ins == 0xD7).ToList();
        Assert.Equal(2, writes.Count);
        Assert.Equal(CommandStorage.MaxUpdateBinaryChunk(level, 0) + 3 + 4, writes[0].Nc);
        // every wire command fits an extended APDU after secure messaging
        Assert.All(card.Wire, w => Assert.True(w.Length <= 4 + 3 + 65535 + 2));
        Assert.Equal(Large.Select(p => Convert.ToHexString(p.Command.ToArray())), card.ExecutedApdus.Select(Convert.ToHexString));
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
    }

    [Fact]
    public void MemoryInterfaceWritesTheStructureInOneCall()
    {
        using var card = new FakeSelfIssuanceCard { OfferMemoryInterface = true };
        var summary = new SelfIssuanceManager(card, Fast()).Issue(Large);
        Assert.True(summary.UsedMemoryInterface);
        Assert.Equal(1, card.MemoryWrites);
        Assert.DoesNotContain(card.Received, c => c.Ins == 0xD7);
        Assert.Equal(SimultaneousCommandBuilder.FromPrepared(Large).Build(), card.Content(Ef));
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
    }

    [Fact]
    public void RefusedMemoryInterfaceFallsBackToUpdateBinary()
    {
        using var card = new FakeSelfIssuanceCard { OfferMemoryInterface = true, DenyMemory = true };
        var progress = new List<SelfIssuanceProgress>();
        var manager = new SelfIssuanceManager(card, Fast());
        manager.Progress += progress.Add;
        var summary = manager.Issue(Prepared);
        Assert.False(summary.UsedMemoryInterface);
        Assert.Single(card.Received, c => c.Ins == 0xD7);
        Assert.Contains(progress, p => p.Message.Contains("memory interface refused (AccessDenied", StringComparison.Ordinal));

        // an EF without the direct-access flag is written with UPDATE BINARY without asking the memory interface
        using var noDirectAccess = new FakeSelfIssuanceCard { OfferMemoryInterface = true };
        noDirectAccess.Files[Ef] = new FakeSelfIssuanceCard.FakeEf(new byte[20_000], false);
        new SelfIssuanceManager(noDirectAccess, Fast()).Issue(Prepared);
        Assert.Equal(0, noDirectAccess.MemoryWrites);
        Assert.DoesNotContain(noDirectAccess.Received, c => c.Ins is 0xE4);
        Assert.Single(noDirectAccess.Received, c => c.Ins is 0xE0); // answered 6A89: the EF exists and is kept
        Assert.Single(noDirectAccess.Received, c => c.Ins == 0xD7);
        Assert.Equal(0x05, noDirectAccess.State);
    }

    [Fact]
    public void TooSmallEfIsDeletedAndCreatedAgain()
    {
        using var card = new FakeSelfIssuanceCard();
        card.Files[Ef] = new FakeSelfIssuanceCard.FakeEf(new byte[10], true);
        new SelfIssuanceManager(card, Fast()).Issue(Prepared);
        Assert.Equal([0xE0, 0xE4, 0xE0], card.Received.Where(c => c.Ins is 0xE0 or 0xE4).Select(c => c.Ins));
        Assert.Equal("00E40000025F01", card.Received.Single(c => c.Ins == 0xE4).ToString());
        Assert.Equal(SimultaneousCommandBuilder.FromPrepared(Prepared).EncodedLength, card.Content(Ef).Length);
        Assert.Equal(0x05, card.State);
    }

    [Fact]
    public void FailureThenResumeAtTheFailingCommandAfterTheFix()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 5 };
        var calls = 0;
        var options = Fast(new SelfIssuanceOptions
        {
            FailurePolicy = (status, table) =>
            {
                calls++;
                Assert.Equal((IssuanceState.Failed, 4, 5, (ushort)0x6A80), (status.State, status.PrecedingCommands, status.FailingCommand, status.FailingStatusWord!.Value.Value));
                Assert.Equal(new CommandHeader(0x80, 0xE2, 0x08, 0x00), status.FailingHeader);
                Assert.Equal(4, status.ResumeAt); // recovery point at INSTALL [for personalization]
                Assert.Equal(CommandProgress.Done, table[4]);
                Assert.Equal(CommandProgress.Failed, table[5]);
                Assert.Equal(CommandProgress.Pending, table[6]);
                Assert.StartsWith("STORE DATA", table.DescriptionOf(5), StringComparison.Ordinal);
                card.FailAtCommand = null; // the operator fixed the cause
                return FailureDecision.Resume(status.FailingCommand!.Value);
            },
        });
        var summary = new SelfIssuanceManager(card, options).Issue(Prepared);

        Assert.Equal(1, calls);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], card.Executed);
        var starts = card.Received.Where(c => c.Ins == 0x5A).ToList();
        Assert.Equal(2, starts.Count);
        Assert.Equal(0x01, starts[1].P1);
        Assert.Equal("C3020005", Convert.ToHexString(starts[1].Data.Span[^4..]));
        Assert.Equal((IssuanceState.Confirmed, 2), (summary.FinalState, summary.StartAttempts));
        Assert.Equal(0x05, card.State);
    }

    [Fact]
    public void FailureThenClearAndStop()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 3 };
        var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { FailurePolicy = (_, _) => FailureDecision.Clear })).Issue(Prepared);
        Assert.Equal(IssuanceState.Cleared, summary.FinalState);
        Assert.Equal(0x06, card.State);
        Assert.Single(card.Received, c => c.Ins == 0x5C);
        Assert.DoesNotContain(card.Received, c => c.Ins == 0x5D);
        Assert.Equal([1, 2], card.Executed);
    }

    [Fact]
    public void FailureThenClearAndRestartFromTheFirstCommand()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 5 };
        var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions
        {
            FailurePolicy = (_, _) =>
            {
                card.FailAtCommand = null;
                return FailureDecision.ClearAndRestart;
            },
        })).Issue(Prepared);
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal([1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7], card.Executed);
        Assert.Equal([0x00, 0x80], card.Received.Where(c => c.Ins == 0x5A).Select(c => c.P1));
        Assert.Equal(0x05, card.State);
    }

    [Fact]
    public void WithoutAPolicyTheManagerGivesUpAndLeavesTheCardFailed()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 2 };
        var e = Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(card, Fast()).Issue(Prepared));
        Assert.Equal(2, e.Status!.FailingCommand);
        Assert.Contains("gave up", e.Message);
        Assert.Equal(0x03, card.State);
        Assert.DoesNotContain(card.Received, c => c.Ins is 0x5C or 0x5D);
    }

    [Fact]
    public void StartAttemptsAreBounded()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 6 };
        var options = Fast(new SelfIssuanceOptions { MaxStartAttempts = 3, FailurePolicy = (s, _) => FailureDecision.Resume(s.FailingCommand!.Value) });
        var e = Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(card, options).Issue(Prepared));
        Assert.Contains("gave up after 3 START attempts", e.Message);
        Assert.Equal(3, card.Received.Count(c => c.Ins == 0x5A));

        var outOfRange = Fast(new SelfIssuanceOptions { FailurePolicy = (s, _) => FailureDecision.Resume(s.PrecedingCommands + 2) });
        using var other = new FakeSelfIssuanceCard { FailAtCommand = 6 };
        Assert.Contains("outside 1..6", Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(other, outOfRange).Issue(Prepared)).Message);
    }

    /// <summary>
    /// The link is cut after exchange k, for every k of a clean run: the command reaches the card, its answer is lost,
    /// the manager reconnects (restoring the link and powering the card on) and must still end confirmed with every
    /// script command run, in order.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void LinkCutAfterEveryExchange(bool seal, bool background)
    {
        var script = seal ? Prepared : Large;
        var options = Fast(new SelfIssuanceOptions { Seal = seal, Background = background });
        int clean;
        using (var reference = new FakeSelfIssuanceCard { BackgroundBusyExchanges = 2 })
        {
            new SelfIssuanceManager(reference, options).Issue(script);
            clean = reference.Exchanges;
        }

        for (var k = 1; k <= clean; k++)
        {
            using var card = new FakeSelfIssuanceCard { BackgroundBusyExchanges = 2 };
            using var link = new LinkedConnection(card, LinkProfile.Contact with { CutAfterExchanges = k });
            var summary = new SelfIssuanceManager(
                () =>
                {
                    if (link.IsCut)
                    {
                        link.Restore();
                    }

                    return link;
                },
                options).Issue(script);

            Assert.True(summary.FinalState == IssuanceState.Confirmed, $"cut after exchange {k}: {summary}");
            Assert.Equal(0x05, card.State);
            Assert.Equal(1, summary.Reconnects);
            AssertRanInOrder(card.Executed, script.Count, k);
            Assert.Equal(link.Statistics.ModelledLinkTime, summary.ModelledLinkTime);
        }
    }

    /// <summary>
    /// A failure handled by the policy (resume after the fix, or clear and restart) with the link cut after every
    /// exchange k: the policy is asked once per failure (a lost answer to its action is not a new failure) and the
    /// card ends confirmed.
    /// </summary>
    [Theory]
    [InlineData(FailureAction.Resume)]
    [InlineData(FailureAction.ClearAndRestart)]
    public void FailureHandlingSurvivesALinkCutAtEveryExchange(FailureAction action)
    {
        SelfIssuanceOptions Options(FakeSelfIssuanceCard card, Action asked) => Fast(new SelfIssuanceOptions
        {
            FailurePolicy = (status, _) =>
            {
                asked();
                card.FailAtCommand = null;
                return action == FailureAction.Resume ? FailureDecision.Resume(status.FailingCommand!.Value) : FailureDecision.ClearAndRestart;
            },
        });

        int clean;
        using (var reference = new FakeSelfIssuanceCard { FailAtCommand = 5 })
        {
            new SelfIssuanceManager(reference, Options(reference, () => { })).Issue(Prepared);
            clean = reference.Exchanges;
        }

        for (var k = 1; k <= clean; k++)
        {
            using var card = new FakeSelfIssuanceCard { FailAtCommand = 5 };
            using var link = new LinkedConnection(card, LinkProfile.Local with { CutAfterExchanges = k });
            var asked = 0;
            var summary = new SelfIssuanceManager(
                () =>
                {
                    if (link.IsCut)
                    {
                        link.Restore();
                    }

                    return link;
                },
                Options(card, () => asked++)).Issue(Prepared);

            Assert.True(summary.FinalState == IssuanceState.Confirmed && card.State == 0x05, $"cut after exchange {k}: {summary}");
            Assert.Equal(1, summary.Reconnects);
            Assert.True(asked == 1, $"cut after exchange {k}: the policy was asked {asked} times");
            int[] expected = action == FailureAction.Resume ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7];
            Assert.True(expected.SequenceEqual(card.Executed), $"cut after exchange {k}: ran {string.Join(",", card.Executed)}");
        }
    }

    /// <summary>
    /// The link breaks before the policy's action reaches the card (the command is lost, not its answer): after the
    /// reconnection the card still shows the same failure, and the manager carries out the decision already taken
    /// instead of asking the policy again.
    /// </summary>
    [Theory]
    [InlineData(0x5A, FailureAction.Resume)]
    [InlineData(0x5C, FailureAction.ClearAndRestart)]
    public void ActionLostOnTheWayIsCarriedOutAgain(byte lostIns, FailureAction action)
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 5 };
        var asked = 0;
        var dropped = false;
        var link = new DroppingConnection(card, wire =>
        {
            // the second START (the resume), or the CLEAR: wrapped, but INS is in the clear
            var hit = !dropped && wire[1] == lostIns && (lostIns != 0x5A || wire[2] == 0x01);
            dropped |= hit;
            return hit;
        });
        var summary = new SelfIssuanceManager(link, Fast(new SelfIssuanceOptions
        {
            FailurePolicy = (status, _) =>
            {
                asked++;
                card.FailAtCommand = null;
                return action == FailureAction.Resume ? FailureDecision.Resume(status.FailingCommand!.Value) : FailureDecision.ClearAndRestart;
            },
        })).Issue(Prepared);

        Assert.True(dropped);
        Assert.Equal((IssuanceState.Confirmed, 1, 1), (summary.FinalState, summary.Reconnects, asked));
        Assert.Equal(action == FailureAction.Resume ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7], card.Executed);
    }

    /// <summary>Power lost after k commands of START, for every k: the card resumes from its restart point.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PowerLossDuringStartThenResume(bool background)
    {
        int[] recoveryPoints = [1, 3, 4];
        for (var k = 0; k < Prepared.Count; k++)
        {
            using var card = new FakeSelfIssuanceCard { PowerLossAfterCommands = k, BackgroundBusyExchanges = 1 };
            var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { Background = background })).Issue(Prepared);

            Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
            Assert.Equal((1, 2), (summary.Reconnects, summary.StartAttempts));
            var restart = recoveryPoints.Where(p => p <= k + 1).Max();
            Assert.Equal(Enumerable.Range(1, k).Concat(Enumerable.Range(restart, Prepared.Count - restart + 1)), card.Executed);
            var starts = card.Received.Where(c => c.Ins == 0x5A).ToList();
            Assert.All(starts, s => Assert.Equal(0x00, s.P1)); // the card picks the restart point itself
            Assert.Single(card.Received, c => c.Ins == 0xE0); // written once, not again after the power loss
        }
    }

    [Fact]
    public void BackgroundStartIsPolledUntilTheCardAnswersAgain()
    {
        using var card = new FakeSelfIssuanceCard { BackgroundBusyExchanges = 4 };
        var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { Background = true })).Issue(Prepared);
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Equal(0x01, card.Received.Single(c => c.Ins == 0x5A).P2);
        Assert.True(summary.Polls >= 4, summary.ToString());
        // the refused polls put the MAC chaining out of step; the manager authenticated again
        Assert.True(summary.SessionRestarts >= 1, summary.ToString());
        Assert.Equal(Enumerable.Range(1, 7), card.Executed);
    }

    [Fact]
    public void SealedScriptNeverLeavesTheManagerInTheClear()
    {
        using var card = new FakeSelfIssuanceCard();
        var progress = new List<SelfIssuanceProgress>();
        // C-MAC only: the wire carries the written bytes in the clear, so a clear script would show
        var manager = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { Seal = true, SecurityLevel = Scp03SecurityLevel.CMac }));
        manager.Progress += progress.Add;
        var summary = manager.Issue(Prepared);

        Assert.True(summary.Sealed);
        Assert.Equal(Prepared.Select(p => Convert.ToHexString(p.Command.ToArray())), card.ExecutedApdus.Select(Convert.ToHexString));
        var content = card.Content(Ef);
        Assert.Equal("01050007", Convert.ToHexString(content.AsSpan(0, 4)));
        Assert.Equal(SimultaneousCommandBuilder.FromPrepared(Prepared).EncodedLength - 4 + IssuanceSeal.Overhead, content.Length);
        Assert.Single(card.Received, c => c.Ins == 0xCA && c.P1P2 == 0xDF51);
        foreach (var secret in new[] { Prepared[6].Command.ToArray(), Prepared[1].Command.Data.Slice(100, 32).ToArray() })
        {
            Assert.DoesNotContain(card.Wire, w => w.AsSpan().IndexOf(secret) >= 0);
            Assert.Equal(-1, content.AsSpan().IndexOf(secret));
            Assert.DoesNotContain(progress, p => p.Message.Contains(Convert.ToHexString(secret), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void ProviderSealsToTheCardKeyTheManagerReads()
    {
        using var card = new FakeSelfIssuanceCard();
        var provider = SimultaneousCommandBuilder.FromPrepared(Prepared);
        byte[]? keySeen = null;
        var summary = new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { Seal = true })).IssueSealedBy(key =>
        {
            keySeen = key;
            return provider.BuildSealed(key);
        });
        Assert.Equal(card.IssuanceKey.PublicKey, keySeen);
        Assert.Equal((IssuanceState.Confirmed, true), (summary.FinalState, summary.Sealed));
        Assert.Equal(Enumerable.Range(1, 7), card.Executed);

        using var other = new FakeSelfIssuanceCard();
        Assert.Contains("not sealed", Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(other, Fast()).IssueSealedBy(_ => provider.Build())).Message);
        Assert.Throws<ArgumentException>(() => new SelfIssuanceManager(other, Fast(new SelfIssuanceOptions { Seal = true })).IssueStructure(provider.Build()));
        Assert.Empty(other.Executed);
    }

    [Fact]
    public void ReadyMadeStructureWithItsOwnDecisionTable()
    {
        using var card = new FakeSelfIssuanceCard { OfferMemoryInterface = true };
        var structure = SimultaneousCommandBuilder.FromPrepared(Prepared).AddDecision(0x6A88, 0xFFFF, DecisionVerdict.Success).Build();
        var summary = new SelfIssuanceManager(card, Fast()).IssueStructure(structure);
        Assert.Equal(structure, card.Content(Ef));
        Assert.Equal(IssuanceState.Confirmed, summary.FinalState);
        Assert.Null(summary.Progress.DescriptionOf(1));
    }

    [Fact]
    public void ReconnectionsAreBounded()
    {
        using var card = new FakeSelfIssuanceCard();
        using var link = new LinkedConnection(card, LinkProfile.Local);
        var options = Fast(new SelfIssuanceOptions { MaxReconnects = 3 });
        var e = Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(
            () =>
            {
                link.Restore(cutAfterMoreExchanges: 1); // every exchange loses its answer
                return link;
            },
            options).Issue(Prepared));
        Assert.Contains("gave up after 3 reconnections", e.Message);
        Assert.IsType<CardConnectionException>(e.InnerException);
    }

    [Fact]
    public void UnfinishedIssuanceOfAnotherFileIsNotTouched()
    {
        using var card = new FakeSelfIssuanceCard { FailAtCommand = 2 };
        Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(card, Fast(new SelfIssuanceOptions { Fid = 0x5F02 })).Issue(Prepared));
        var e = Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(card, Fast()).Issue(Prepared));
        Assert.Contains("not this one", e.Message);
        Assert.Equal((ushort)0x5F02, card.StateFid);
        Assert.Equal(0x03, card.State);
        Assert.Equal(2, card.Received.Count(c => c.Ins == 0x5A)); // the second, for 5F01, was refused with 6985
    }

    [Fact]
    public void ACardWithoutSelfIssuanceIsReportedClearly()
    {
        var isd = new TestIsd();
        var e = Assert.Throws<SelfIssuanceException>(() => new SelfIssuanceManager(isd, Fast()).Issue(Prepared));
        Assert.Contains("command storage 7F50 refused: 6A82", e.Message);
    }

    /// <summary>A link that loses one chosen command on its way to the card (the card never sees it).</summary>
    private sealed class DroppingConnection(ICardConnection inner, Func<byte[], bool> drop) : ICardConnection
    {
        public string Name => $"{inner.Name} (dropping)";

        public IMemoryInterface? Memory => inner.Memory;

        public byte[] PowerOn() => inner.PowerOn();

        public void PowerOff() => inner.PowerOff();

        public byte[] Reset() => inner.Reset();

        public byte[] Transmit(ReadOnlySpan<byte> command) =>
            drop(command.ToArray())
                ? throw new CardConnectionException(ConnectionFailure.LinkCut, "the command was lost on the way to the card")
                : inner.Transmit(command);

        public void Dispose() => inner.Dispose();
    }

    /// <summary>
    /// Every command ran at least once; each START (a new run in the log) began no later than one past the furthest
    /// command reached so far; the last run reached m.
    /// </summary>
    private static void AssertRanInOrder(IReadOnlyList<int> executed, int m, int k)
    {
        Assert.True(executed.Count >= m, $"cut {k}: only {executed.Count} commands ran");
        var furthest = 0;
        for (var i = 0; i < executed.Count; i++)
        {
            var continues = i > 0 && executed[i] == executed[i - 1] + 1;
            if (!continues)
            {
                Assert.True(executed[i] >= 1 && executed[i] <= furthest + 1, $"cut {k}: a run started at {executed[i]} after reaching {furthest}: {string.Join(",", executed)}");
            }

            furthest = Math.Max(furthest, executed[i]);
        }

        Assert.Equal(m, executed[^1]);
        Assert.Equal(Enumerable.Range(1, m), executed.Distinct().Order());
    }
}

using Tessera.Card.Tests.Manager;
using Tessera.Iso7816;
using Xunit.Abstractions;
using static Tessera.Card.Tests.Manager.AppletCard;

namespace Tessera.Card.Tests.Reliability;

/// <summary>
/// SPEC §1.1 for card content management: LOAD, INSTALL and DELETE flows torn at every physical NVM write they make.
/// The flow runs once as a reference, recording after each command the card content (<see cref="SecureDevice.CanonicalDump"/>),
/// the allocated NVM blocks and the physical write count. Then, for every write k of the flow, a fresh card is
/// prepared the same way, torn at write k, powered on again, and must hold exactly the content and the NVM blocks of
/// the reference before or after the torn command (so no orphan block either), with a consistent registry; the flow
/// is then completed from where the card says it is and must end in the reference's final content.
/// </summary>
public sealed class ContentManagementTearTests(ITestOutputHelper output)
{
    [Fact]
    public void LoadInShortBlocks()
    {
        var steps = new List<Step> { new(InstallForLoad(Package)) };
        steps.AddRange(LoadBlocks(AppletsLoadFile, 247).Select(b => new Step(b)));
        Assert.True(steps.Count > 50, $"{steps.Count} commands");
        TearEveryWrite(setup: null, steps, verify: card =>
        {
            var session = card.Session();
            session.Expect(InstallForInstall(PurseModule, Purse), 0x9000);
            card.ResetAndSelect(Purse);
            card.Card.Expect("8050000000", 0x6985); // not personalised
        });
    }

    [Fact]
    public void LoadOfExtendedBlocks()
    {
        var blocks = LoadBlocks(LargeLoadFile.Assembly, 65535 - 8);

        // Block 0 in the setup; the torn commands are a 64 KiB block and the last block.
        TearEveryWrite(
            setup: card =>
            {
                var session = card.Session();
                session.Expect(InstallForLoad(LargeLoadFile.Package), 0x9000);
                session.Expect(blocks[0], 0x9000);
            },
            [new(blocks[1]), new(blocks[2])],
            verify: card =>
            {
                card.Session().Expect(InstallForInstall(LargeLoadFile.Module, LargeLoadFile.Instance, loadFile: LargeLoadFile.Package), 0x9000);
                card.ResetAndSelect(LargeLoadFile.Instance);
                Assert.Equal(LargeLoadFile.ExpectedAnswer(), card.Card.Expect("8020000000", 0x9000));
            },
            profile: ManagerCards.Profile with { NvmCapacity = 1024 * 1024 });
    }

    [Fact]
    public void InstallMakeSelectableAndPersonalise()
    {
        Step[] steps =
        [
            new(InstallForInstall(PurseModule, Purse)),
            new(InstallForInstall(TicketModule, Ticket, makeSelectable: false)),
            new(MakeSelectable(Ticket)),
            new(InstallForPersonalization(Purse)),
            new(StoreData(0x88, 0x00, PursePerso()), RedoFrom: 3),
            new(InstallForPersonalization(Ticket)),
            new(StoreData(0x88, 0x00, TicketPerso()), RedoFrom: 5),
        ];
        TearEveryWrite(setup: card => card.LoadApplets(), steps, verify: card =>
        {
            card.ResetAndSelect(Purse);
            Assert.Equal(Hex.Parse("00000000000186A000000000"), card.Card.Expect("8050000000", 0x9000));
            card.ResetAndSelect(Ticket);
            var ticket = card.Card.Expect("8060000000", 0x9000);
            Assert.Equal("B-12"u8.ToArray(), TlvNode.ParseAll(ticket).Single(n => n.Tag == new BerTag(0xC2)).Value.ToArray());
        });
    }

    [Fact]
    public void DeleteWithRelatedObjects()
    {
        int freeOfANewCard;
        using (var fresh = new AppletCard())
        {
            freeOfANewCard = fresh.Device.NvmUsage().Free;
        }

        TearEveryWrite(setup: card => card.IssueBoth(), [new(Delete(Package, withRelated: true))], verify: card =>
        {
            Assert.Equal(freeOfANewCard, card.Device.NvmUsage().Free);
            Assert.Empty(card.Runtime.Manager.RegistryEntries);
            card.ResetAndSelect(Purse, 0x6A82);
            card.Session().Expect("80F24002024F0000", 0x6A88);
        });
    }

    /// <summary>A command of the flow (plain, sent in the flow's SCP03 session) and where to restart when a tear
    /// leaves the card before it (a command whose volatile prerequisite, such as INSTALL [for personalization], is
    /// lost with the power).</summary>
    private sealed record Step(CommandApdu Command, int RedoFrom = -1);

    private void TearEveryWrite(Action<AppletCard>? setup, IReadOnlyList<Step> steps, Action<AppletCard> verify, CardProfile? profile = null)
    {
        var dumps = new List<string>();
        var blocks = new List<string>();
        var writes = new List<long>();
        var statuses = new List<ushort>();
        string finalBlocks;
        using (var card = Prepare(setup, profile, tearAt: 0))
        {
            var session = card.Session();
            Record(card);
            foreach (var step in steps)
            {
                var sw = session.Send(step.Command).SW;
                Assert.True(sw == 0x9000, $"reference run: {step.Command} answered {sw:X4}");
                statuses.Add(sw);
                Record(card);
            }

            finalBlocks = card.AllocatedBlocks(withContent: false);
            verify(card);
        }

        void Record(AppletCard card)
        {
            dumps.Add(card.Device.CanonicalDump());
            blocks.Add(card.AllocatedBlocks(withContent: true));
            writes.Add(card.Device.PhysicalWritesSincePowerOn);
        }

        for (var i = 0; i < steps.Count; i++)
        {
            if (writes[i + 1] > writes[i])
            {
                Assert.NotEqual(dumps[i], dumps[i + 1]);
            }
        }

        var final = WithoutCounters(dumps[^1]);
        Assert.True(writes[^1] > writes[0], "the flow wrote nothing");
        for (var k = writes[0] + 1; k <= writes[^1]; k++)
        {
            using var card = Prepare(setup, profile, tearAt: k);
            var session = card.Session();
            var expected = writes.FindIndex(w => w >= k) - 1;
            var torn = -1;
            for (var i = 0; i < steps.Count; i++)
            {
                try
                {
                    Assert.Equal(statuses[i], session.Send(steps[i].Command).SW);
                }
                catch (CardMuteException)
                {
                    torn = i;
                    break;
                }
            }

            Assert.True(torn == expected, $"tear at write {k}: expected in command {expected}, happened in {torn}");
            card.Device.PowerOn();
            var recovered = card.Device.CanonicalDump();
            var after = recovered == dumps[torn + 1];
            Assert.True(after || recovered == dumps[torn], $"tear at write {k} in command {torn}: the card content is neither before nor after that command");
            Assert.Equal(blocks[after ? torn + 1 : torn], card.AllocatedBlocks(withContent: true));
            card.AssertRegistryConsistent();

            // Complete the flow from where the card is, in a new session.
            var resume = after ? torn + 1 : torn;
            if (resume < steps.Count && steps[resume].RedoFrom >= 0)
            {
                resume = steps[resume].RedoFrom;
            }

            session = card.Session();
            for (var i = resume; i < steps.Count; i++)
            {
                Assert.Equal(statuses[i], session.Send(steps[i].Command).SW);
            }

            Assert.Equal(final, WithoutCounters(card.Device.CanonicalDump()));
            Assert.Equal(finalBlocks, card.AllocatedBlocks(withContent: false));
            card.AssertRegistryConsistent();
            verify(card);
        }

        output.WriteLine($"{steps.Count} commands, {writes[^1] - writes[0]} physical writes, each torn");
    }

    /// <summary>A card after the setup, powered off and on (armed to tear at write k of the new power cycle when k > 0).</summary>
    private static AppletCard Prepare(Action<AppletCard>? setup, CardProfile? profile, long tearAt)
    {
        var card = new AppletCard(profile);
        setup?.Invoke(card);
        card.Device.PowerOff();
        if (tearAt > 0)
        {
            card.Device.ArmTearAtWrite(tearAt);
        }

        card.Device.PowerOn();
        return card;
    }
}

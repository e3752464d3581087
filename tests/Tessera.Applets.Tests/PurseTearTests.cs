using Tessera.Card.Storage;

namespace Tessera.Applets.Tests;

/// <summary>
/// SPEC §1.1 for the purse: a debit torn at every physical NVM write leaves, after recovery, either the state before
/// it or the state after it, balance, ATC and log together, and the purse goes on working.
/// </summary>
public sealed class PurseTearTests
{
    [Fact]
    public void ADebitTornAtEveryWriteKeepsBalanceAndLogConsistent()
    {
        var writes = CountDebitWrites();
        Assert.True(writes >= 3, $"a debit took only {writes} physical writes");
        int before = 0, after = 0;
        for (var k = 1; k <= writes; k++)
        {
            var purse = Prepared();
            purse.Bench.Tear.ArmAfter(k, seed: k);
            Assert.Throws<CardTornException>(() => purse.Bench.Send("805400000400000064"));
            purse.Bench.PowerCycle();
            Assert.Equal(0x9000, purse.Bench.Select(PurseCard.Instance));

            var balance = purse.Balance().Balance;
            var log = purse.Log();
            if (balance == 1000)
            {
                before++;
                Assert.Equal([(0x01, 1u, 1000u, 1000u)], log);
            }
            else
            {
                after++;
                Assert.Equal(900u, balance);
                Assert.Equal([(0x02, 2u, 100u, 900u), (0x01, 1u, 1000u, 1000u)], log);
            }

            purse.Debit(50);
            Assert.Equal(balance - 50, purse.Balance().Balance);
            Assert.Equal(log.Count + 1, purse.Log().Count);
        }

        Assert.True(before > 0 && after > 0, $"tears before the commit point: {before}, after: {after}");
    }

    private static int CountDebitWrites()
    {
        var purse = Prepared();
        var start = purse.Bench.Nvm.PhysicalWrites;
        purse.Debit(100);
        return (int)(purse.Bench.Nvm.PhysicalWrites - start);
    }

    /// <summary>A personalised purse holding 1000, mounted with the tear trigger attached.</summary>
    private static PurseCard Prepared()
    {
        var purse = new PurseCard();
        purse.Credit(1000);
        purse.Bench.PowerCycle();
        Assert.Equal(0x9000, purse.Bench.Select(PurseCard.Instance));
        return purse;
    }
}

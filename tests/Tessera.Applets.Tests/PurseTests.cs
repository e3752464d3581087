using Tessera.Iso7816;

namespace Tessera.Applets.Tests;

/// <summary>The purse through APDU bytes (docs/PROTOCOL.md, "Built-in applets").</summary>
public sealed class PurseTests
{
    [Fact]
    public void APersonalisedPurseStartsEmpty() =>
        Assert.Equal((0u, 100_000u, 0u), new PurseCard().Balance());

    [Fact]
    public void CreditAndDebitMoveTheBalanceAndAreLogged()
    {
        var purse = new PurseCard();
        Assert.Equal(Hex.Parse("00001388"), purse.Credit(5000));
        Assert.Equal(Hex.Parse("00001194"), purse.Debit(500));
        Assert.Equal((4500u, 100_000u, 1u), purse.Balance());
        Assert.Equal([(0x02, 2u, 500u, 4500u), (0x01, 1u, 5000u, 5000u)], purse.Log());
    }

    [Fact]
    public void TheLogKeepsTheNewestEntriesUpToItsCapacity()
    {
        var purse = new PurseCard(logCapacity: 3);
        purse.Credit(100);
        for (uint i = 1; i <= 6; i++)
        {
            purse.Debit(i);
        }

        var log = purse.Log();
        Assert.Equal([7u, 6u, 5u], log.Select(e => e.Atc));
        Assert.Equal([6u, 5u, 4u], log.Select(e => e.Amount));
        Assert.Equal(100u - 21u, log[0].Balance);
    }

    [Fact]
    public void InsufficientFundsIs6985AndChangesNothing()
    {
        var purse = new PurseCard();
        purse.Credit(10);
        purse.Debit(11, 0x6985);
        Assert.Equal(10u, purse.Balance().Balance);
        Assert.Single(purse.Log());
        purse.Debit(0, 0x6A80);
    }

    [Fact]
    public void ACreditWithABadMacIs6982AndChangesNothing()
    {
        var purse = new PurseCard();
        purse.Bench.Expect(PurseCard.CreditCommand(1000, 0, Hex.Parse("FFEEDDCCBBAA99887766554433221100")), 0x6982);
        purse.Bench.Expect(PurseCard.CreditCommand(1000, 1), 0x6982);
        var tampered = PurseCard.CreditCommand(1000, 0).Replace("000003E8", "000003E9", StringComparison.Ordinal);
        purse.Bench.Expect(tampered, 0x6982);
        Assert.Equal((0u, 100_000u, 0u), purse.Balance());
        Assert.Empty(purse.Log());
    }

    [Fact]
    public void ACreditMacIsGoodOnce()
    {
        var purse = new PurseCard();
        var credit = PurseCard.CreditCommand(1000, 0);
        purse.Bench.Expect(credit, 0x9000);
        purse.Bench.Expect(credit, 0x6982);
        Assert.Equal((1000u, 100_000u, 1u), purse.Balance());
    }

    [Fact]
    public void ACreditAboveTheMaximumBalanceIsRefused()
    {
        var purse = new PurseCard(maxBalance: 1000);
        purse.Credit(1001, 0x6A80);
        purse.Credit(1000);
        purse.Credit(1, 0x6A80);
        Assert.Equal(1000u, purse.Balance().Balance);
    }

    [Fact]
    public void BadCommandsGetTheirStatusWords()
    {
        var purse = new PurseCard();
        purse.Bench.Expect("0050000000", 0x6E00);
        purse.Bench.Expect("8070000000", 0x6D00);
        purse.Bench.Expect("8054000003000001", 0x6700);
        purse.Bench.Expect("8050010000", 0x6A86);
    }

    [Fact]
    public void AnUnpersonalisedPurseAnswersOnlyStoreData()
    {
        var purse = new PurseCard(personalise: false);
        purse.Bench.Expect("8050000000", 0x6985);
        var perso = Hex.Format(PurseCard.Perso(500, 2));

        // Without the card manager's secure channel STORE DATA is refused.
        purse.Bench.Expect($"80E28000{perso.Length / 2:X2}{perso}", 0x6982);

        // A last block with the credit key missing is refused and leaves nothing behind.
        purse.Bench.IsdSecureChannel = true;
        purse.Bench.Expect($"80E28000{perso.Length / 2:X2}{perso}", 0x6985);
        purse.Bench.Expect("80E200000401020500", 0x6A80);
        purse.Bench.Expect("80E20000050999020000", 0x6A80);
        var key = Hex.Format(Dgi.Encode(0x8101, PurseCard.CreditKey));
        var balance = Hex.Format(Dgi.Encode(0x0102, Hex.Parse("00000064")));
        purse.Bench.Expect($"80E28000{(perso.Length + key.Length + balance.Length) / 2:X2}{perso}{key}{balance}", 0x9000);
        purse.Bench.Expect($"80E28000{key.Length / 2:X2}{key}", 0x6985);
        purse.Bench.IsdSecureChannel = false;
        Assert.Equal((100u, 500u, 0u), purse.Balance());
    }

    [Fact]
    public void TheBalanceSurvivesAPowerCycle()
    {
        var purse = new PurseCard();
        purse.Credit(300);
        purse.Bench.PowerCycle();
        purse.Bench.Select(PurseCard.Instance);
        Assert.Equal(300u, purse.Balance().Balance);
    }
}

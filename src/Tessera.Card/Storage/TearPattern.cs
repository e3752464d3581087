namespace Tessera.Card.Storage;

/// <summary>What a torn page holds after the prefix of new bytes that reached the medium.</summary>
public enum TearPattern
{
    /// <summary>Chosen per tear by the trigger's seeded generator.</summary>
    Random,

    /// <summary>The rest of the page keeps its old bytes.</summary>
    KeepOld,

    /// <summary>The rest of the page is garbage.</summary>
    Garbage,
}

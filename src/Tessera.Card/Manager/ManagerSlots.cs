namespace Tessera.Card.Manager;

/// <summary>
/// NVM root slots of the card manager (slot 1 is the file system). Each slot holds one block, rewritten whole inside
/// the command's atomic unit, so every change is all-or-nothing.
/// </summary>
public static class ManagerSlots
{
    /// <summary>Card state: card life cycle, SCP03 "i", key diversification data, CPLC, IIN, CIN, card data.</summary>
    public const int CardState = 2;

    /// <summary>SCP03 key sets with their sequence counters.</summary>
    public const int KeySets = 3;

    /// <summary>GlobalPlatform registry: executable load files and application instances (the ISD is implicit).</summary>
    public const int Registry = 4;

    /// <summary>The load in progress (INSTALL [for load] to the last LOAD), with its block buffer.</summary>
    public const int PendingLoad = 5;

    /// <summary>The card's issuance key pair (ECDH P-256, SPEC §4.9): private key ‖ public key.</summary>
    public const int IssuanceKey = 6;

    /// <summary>The record of the current or last self-issuance (SPEC §4).</summary>
    public const int Issuance = 7;

    /// <summary>Names of command groups in command storage (SPEC §4.7): FID ‖ name, the default group first.</summary>
    public const int CommandGroups = 8;

    /// <summary>The applications that existed before the open self-issuance (AIDs), while one is open.</summary>
    public const int IssuanceApplicationsBefore = 9;
}

namespace Tessera.Card.FileSystem;

/// <summary>The access conditions of a file (FCP proprietary template A5, tags C1 to C4).</summary>
public readonly record struct AccessRules(AccessCondition Read, AccessCondition Update, AccessCondition Delete, AccessCondition Create);

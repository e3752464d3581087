namespace Tessera.Card.FileSystem;

/// <summary>What CREATE FILE asks for, decoded from its FCP template.</summary>
public sealed record FileSpec(FileKind Kind, ushort Fid, byte[]? DfName, int Size, byte Flags, AccessRules Rules);

namespace Tessera.Card;

/// <summary>Why a memory-interface operation was refused (SPEC §4.2, §4.5).</summary>
public enum MemoryAccessError
{
    /// <summary>No memory-interface session authorised by the ISD, or the EF's direct-access flag is not set.</summary>
    AccessDenied,

    /// <summary>The card is in privileged mode (a self-issuance is running).</summary>
    Busy,

    /// <summary>No such EF in command storage.</summary>
    NotFound,

    /// <summary>Offset or length outside the EF.</summary>
    OutOfRange,
}

/// <summary>A refused memory-interface operation; nothing was written.</summary>
public sealed class MemoryAccessException(MemoryAccessError error, string message) : Exception(message)
{
    public MemoryAccessError Error { get; } = error;
}

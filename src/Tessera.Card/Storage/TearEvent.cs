namespace Tessera.Card.Storage;

/// <summary>One injected tear: which physical write, which page, and how much of the new content reached it.</summary>
public readonly record struct TearEvent(long WriteNumber, int PageIndex, int BytesWritten, TearPattern Rest);

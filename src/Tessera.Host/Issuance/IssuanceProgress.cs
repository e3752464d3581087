namespace Tessera.Host.Issuance;

/// <summary>
/// Progress of a conventional issuance after each wire command: its index (1-based) of <see cref="Total"/>, its
/// function and description, and the bytes it put on the wire (command and response, with secure messaging).
/// </summary>
public sealed record IssuanceProgress(int Index, int Total, string Function, string Description, int BytesToCard, int BytesFromCard);

/// <summary>
/// What a conventional issuance cost: wire commands (SELECT and authentication included), bytes on the wire,
/// exchanges (GET RESPONSE included), the modelled link time when the connection is a
/// <see cref="Link.LinkedConnection"/> (else null), and the measured wall-clock time.
/// </summary>
public sealed record IssuanceSummary(
    int PreparedCommands,
    int Commands,
    long BytesToCard,
    long BytesFromCard,
    int Exchanges,
    TimeSpan? ModelledLinkTime,
    TimeSpan MeasuredTime)
{
    public long BytesOnWire => BytesToCard + BytesFromCard;

    public override string ToString() =>
        $"{PreparedCommands} prepared commands as {Commands} wire commands, {Exchanges} exchanges, {BytesOnWire} bytes ({BytesToCard} to card, {BytesFromCard} from card), " +
        $"measured {MeasuredTime.TotalMilliseconds:F1} ms{(ModelledLinkTime is { } t ? $", modelled link {t.TotalMilliseconds:F1} ms" : "")}";
}

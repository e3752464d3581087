using Tessera.Iso7816;

namespace Tessera.Card.Os;

/// <summary>What a command handler answers: response data and a status word.</summary>
public readonly record struct CommandResponse(ReadOnlyMemory<byte> Data, StatusWord StatusWord)
{
    public static CommandResponse Ok => new(ReadOnlyMemory<byte>.Empty, StatusWords.Success);

    public static CommandResponse Status(StatusWord sw) => new(ReadOnlyMemory<byte>.Empty, sw);

    public static CommandResponse WithData(ReadOnlyMemory<byte> data) => new(data, StatusWords.Success);
}

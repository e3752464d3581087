using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>The card refused a command: <see cref="StatusWord"/> is its answer, the message names it.</summary>
public class GpCommandException(string command, StatusWord statusWord, string? detail = null)
    : Exception($"{command} refused: {statusWord.Describe()}{(detail is null ? "" : $" ({detail})")}")
{
    /// <summary>The command's name ("INSTALL [for load]", "GET STATUS"...).</summary>
    public string Command { get; } = command;

    public StatusWord StatusWord { get; } = statusWord;
}

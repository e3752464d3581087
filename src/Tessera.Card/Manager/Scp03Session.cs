using Tessera.Card.Os;
using Tessera.Crypto;

namespace Tessera.Card.Manager;

/// <summary>The ISD's SCP03 session on one logical channel: Tessera.Crypto's card-side unwrapper and its key set.</summary>
internal sealed class Scp03Session(Scp03Unwrapper unwrapper, byte keyVersion) : ISecureChannel
{
    public Scp03Unwrapper Unwrapper { get; } = unwrapper;

    /// <summary>KVN of the key set the session was opened with (its Key-DEK decrypts PUT KEY).</summary>
    public byte KeyVersion { get; } = keyVersion;

    public bool IsAuthenticated => Unwrapper.IsAuthenticated && !Unwrapper.IsAborted;

    public bool TryUnwrap(ReadOnlySpan<byte> command, out byte[] plain)
    {
        if (Unwrapper.TryUnwrapCommand(command, out var unwrapped, out _))
        {
            plain = unwrapped;
            return true;
        }

        plain = [];
        return false;
    }

    public byte[] Wrap(ReadOnlySpan<byte> response) => Unwrapper.WrapResponse(response);
}

using System.Security.Cryptography;

namespace Tessera.Crypto;

/// <summary>A secure messaging failure; <see cref="Error"/> says which. A card turns it into <c>6982</c>.</summary>
public sealed class Scp03SecurityException : CryptographicException
{
    /// <summary>Creates the exception for <paramref name="error"/>.</summary>
    public Scp03SecurityException(Scp03Error error)
        : base($"SCP03 secure messaging failed: {error}.")
    {
        Error = error;
    }

    /// <summary>What failed.</summary>
    public Scp03Error Error { get; }

    /// <summary>The status word a card answers with: <c>6982</c> (security status not satisfied).</summary>
    public const ushort StatusWord = 0x6982;
}

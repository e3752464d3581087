using Tessera.Crypto.Internal;

namespace Tessera.Crypto.Tests;

/// <summary>A host and a card side of one fresh SCP03 session with fixed keys and challenges.</summary>
internal sealed class Scp03SessionPair
{
    public static readonly byte[] HostChallenge = Hex.Bytes("A7F76C713F0A713D");
    public static readonly byte[] CardChallenge = Hex.Bytes("31900058C1C451A2");

    public Scp03SessionPair(Scp03SecurityLevel level, int keyLength = 16, int channel = 0)
    {
        byte[] key = Enumerable.Range(0x40, keyLength).Select(i => (byte)i).ToArray();
        Keys = Scp03Derivation.DeriveSessionKeys(StaticKeys.FromSingleKey(key), HostChallenge, CardChallenge);
        Host = new Scp03Wrapper(Keys, HostChallenge, CardChallenge);
        Card = new Scp03Unwrapper(Keys, HostChallenge, CardChallenge);
        ExternalAuthenticate = Host.BuildExternalAuthenticate(level, channel);
        Card.ExternalAuthenticate(ExternalAuthenticate);
    }

    public SessionKeys Keys { get; }

    public Scp03Wrapper Host { get; }

    public Scp03Unwrapper Card { get; }

    public byte[] ExternalAuthenticate { get; }

    /// <summary>The chaining value after EXTERNAL AUTHENTICATE, computed here from Amendment D §6.2.3/§6.2.4.</summary>
    public byte[] ChainingAfterExternalAuthenticate =>
        AesCmac.Compute(Keys.SMac, [.. new byte[16], ClassByte.ForMac(ExternalAuthenticate[0]), .. ExternalAuthenticate.AsSpan(1, 4), .. ExternalAuthenticate.AsSpan(5, 8)]);
}

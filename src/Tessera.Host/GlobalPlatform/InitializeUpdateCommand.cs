using Tessera.Iso7816;

namespace Tessera.Host.GlobalPlatform;

/// <summary>INITIALIZE UPDATE (GPCS 2.3.1 §E.5.1, Amendment D §7.1.1): <c>80 50 KVN 00 08 host-challenge 00</c>.</summary>
public static class InitializeUpdateCommand
{
    public const byte Ins = 0x50;

    /// <param name="keyVersion">the key set to use, <c>00</c> for the first available one.</param>
    public static CommandApdu Build(byte keyVersion, ReadOnlySpan<byte> hostChallenge)
    {
        if (hostChallenge.Length != 8)
        {
            throw new ArgumentException("the SCP03 S8 host challenge is 8 bytes", nameof(hostChallenge));
        }

        return new CommandApdu(0x80, Ins, keyVersion, 0x00, hostChallenge.ToArray(), ne: 256);
    }
}

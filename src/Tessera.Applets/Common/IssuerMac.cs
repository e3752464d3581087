using System.Buffers.Binary;
using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Applets.Common;

/// <summary>
/// Issuer authorisation of a command: an 8-byte MAC = the first 8 bytes of
/// AES-CMAC(issuer key, instance AID ‖ INS ‖ payload ‖ counter (u32)). The counter is the applet's current value and
/// goes up by one with every authorised command, so a MAC is good once.
/// </summary>
internal static class IssuerMac
{
    public const int Length = 8;

    public static void Verify(ReadOnlySpan<byte> key, Aid instance, byte ins, ReadOnlySpan<byte> payload, uint counter, ReadOnlySpan<byte> mac)
    {
        if (!AppletCrypto.VerifyCmac(key, Input(instance, ins, payload, counter), mac))
        {
            throw new IsoException(StatusWords.SecurityStatusNotSatisfied, "issuer MAC does not verify");
        }
    }

    public static byte[] Input(Aid instance, byte ins, ReadOnlySpan<byte> payload, uint counter)
    {
        var input = new byte[instance.Length + 1 + payload.Length + 4];
        instance.Span.CopyTo(input);
        input[instance.Length] = ins;
        payload.CopyTo(input.AsSpan(instance.Length + 1));
        BinaryPrimitives.WriteUInt32BigEndian(input.AsSpan(input.Length - 4), counter);
        return input;
    }

    public static bool IsAesKey(ReadOnlySpan<byte> key) => key.Length is 16 or 24 or 32;
}

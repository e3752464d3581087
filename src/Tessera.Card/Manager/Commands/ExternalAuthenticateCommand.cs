using Tessera.Card.Os;
using Tessera.Crypto;
using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>
/// EXTERNAL AUTHENTICATE (Amendment D §7.1.2): <c>84 82 level 00 10 host-cryptogram C-MAC</c> right after INITIALIZE
/// UPDATE on the same channel. Levels 00, 01, 03, 11, 13, 33 (R-MAC levels need "i" R-MAC support, R-ENC levels
/// R-ENC support). A host cryptogram that does not verify gives <c>6300</c>, a C-MAC that does not verify
/// <c>6982</c>; every failure ends the session.
/// </summary>
internal static class ExternalAuthenticateCommand
{
    public static CommandResponse Handle(IsdCommand command)
    {
        command.RequireGpClass();
        var channel = command.Channel;
        var apdu = command.Apdu;
        if (channel.SecureChannel is not Scp03Session session || session.IsAuthenticated)
        {
            channel.EndSecureChannel();
            throw new IsoException(StatusWords.ConditionsOfUseNotSatisfied, "EXTERNAL AUTHENTICATE must follow INITIALIZE UPDATE on this channel");
        }

        var level = (Scp03SecurityLevel)apdu.P1;
        var i = command.Manager.State.ScpI;
        var refusal =
            apdu.Nc != 16 ? new IsoException(StatusWords.WrongLength, "EXTERNAL AUTHENTICATE carries 16 bytes")
            : apdu.P2 != 0x00 || !level.IsValidScp03Level() ? new IsoException(StatusWords.IncorrectP1P2, $"security level {apdu.P1:X2} is not an SCP03 level")
            : (level.HasRMac() && (i & 0x20) == 0) || (level.HasREncryption() && (i & 0x40) == 0)
                ? new IsoException(StatusWords.IncorrectP1P2, $"\"i\" {i:X2} does not support security level {apdu.P1:X2}")
            : null;
        if (refusal is not null)
        {
            channel.EndSecureChannel();
            throw refusal;
        }

        if (!session.Unwrapper.TryExternalAuthenticate(apdu.ToArray(), out var error))
        {
            channel.EndSecureChannel();
            return CommandResponse.Status(error == Scp03Error.HostCryptogramMismatch ? StatusWords.WarningNvmChanged : StatusWords.SecurityStatusNotSatisfied);
        }

        channel.IsdSecureChannelAuthenticated = true;

        // SPEC §4.2: an authenticated ISD secure channel authorises the memory interface for this power cycle.
        command.Context.Runtime.MemorySessionAuthorised = true;
        return CommandResponse.Ok;
    }
}

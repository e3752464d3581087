using Tessera.Card;
using Tessera.Card.Runtime;
using Tessera.Iso7816;

namespace Tessera.Applets.Common;

/// <summary>Checks shared by the built-in applets' proprietary commands.</summary>
internal static class AppletCommands
{
    public const byte InsStoreData = 0xE2;

    /// <summary>The built-in applets speak CLA 80 (any logical channel) without secure messaging of their own.</summary>
    public static void RequireProprietaryClass(AppletApdu apdu)
    {
        if (!apdu.IsProprietaryClass || apdu.HasSecureMessaging)
        {
            throw new IsoException(StatusWords.ClassNotSupported, "the built-in applets answer CLA 80 only");
        }
    }

    /// <summary>A command without data and with P1-P2 0000.</summary>
    public static void RequireNoData(AppletApdu apdu)
    {
        apdu.RequireP1P2(0x0000);
        apdu.RequireDataLength(0);
    }

    public static IsoException NotPersonalised() =>
        new(StatusWords.ConditionsOfUseNotSatisfied, "the applet is not personalised yet");

    public static IsoException Unknown(AppletApdu apdu) =>
        new(StatusWords.InstructionNotSupported, $"INS {apdu.Ins:X2} is not supported");
}

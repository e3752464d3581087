using Tessera.Card.Runtime;

namespace Tessera.Applets.Common;

/// <summary>
/// An applet that is personalised by STORE DATA before use: proprietary class only, STORE DATA always goes to
/// <see cref="StoreData"/>, and every other command is refused (<c>6985</c>) until personalisation is complete.
/// </summary>
public abstract class PersonalisedApplet : Applet
{
    public sealed override void Process(AppletApdu apdu)
    {
        ArgumentNullException.ThrowIfNull(apdu);
        AppletCommands.RequireProprietaryClass(apdu);
        if (apdu.Ins == AppletCommands.InsStoreData)
        {
            StoreData(apdu);
            return;
        }

        if (!Personalisation.IsPersonalised(Store))
        {
            throw AppletCommands.NotPersonalised();
        }

        ProcessPersonalised(apdu);
    }

    /// <summary>One STORE DATA block of personalisation (DGI format).</summary>
    protected abstract void StoreData(AppletApdu apdu);

    /// <summary>A command other than STORE DATA, once the applet is personalised.</summary>
    protected abstract void ProcessPersonalised(AppletApdu apdu);
}

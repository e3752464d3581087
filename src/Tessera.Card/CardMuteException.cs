namespace Tessera.Card;

/// <summary>
/// The card gave no answer: it is not powered on that interface, or it lost power (a tear) while the command was in
/// flight. Power it on again to continue; the card recovers its NVM on that power-on.
/// </summary>
public sealed class CardMuteException(string message) : Exception(message);

namespace Tessera.Crypto;

/// <summary>Why secure messaging refused a message. A card answers every one of these with <c>6982</c>.</summary>
public enum Scp03Error
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The bytes are not a well-formed command or response APDU, or too short to hold a MAC.</summary>
    Malformed,

    /// <summary>A command of a session with C-MAC arrived without the secure messaging indication in CLA.</summary>
    SecureMessagingMissing,

    /// <summary>The C-MAC or R-MAC does not verify.</summary>
    MacMismatch,

    /// <summary>Decrypted data does not end in valid <c>80 00…</c> padding.</summary>
    PaddingInvalid,

    /// <summary>EXTERNAL AUTHENTICATE carries a host cryptogram that does not verify.</summary>
    HostCryptogramMismatch,

    /// <summary>INITIALIZE UPDATE returned a card cryptogram that does not verify.</summary>
    CardCryptogramMismatch,

    /// <summary>EXTERNAL AUTHENTICATE asks for a security level SCP03 does not define.</summary>
    InvalidSecurityLevel,

    /// <summary>The command is not the expected one (EXTERNAL AUTHENTICATE first, nothing before it).</summary>
    UnexpectedCommand,

    /// <summary>An earlier failure aborted the session; every later message is refused until a new session.</summary>
    SessionAborted,
}

using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tessera.Host.Pcsc;

/// <summary>
/// The few pcsc-lite calls the host needs, bound to the system's <c>libpcsclite.so.1</c>. On 64-bit Linux pcsc-lite's
/// <c>DWORD</c> and <c>LONG</c> are <c>unsigned long</c>/<c>long</c> (8 bytes) and handles are 8 bytes too, so they are
/// declared as <see cref="nuint"/>/<see cref="nint"/> here (reference/pcsc-notes.md).
/// </summary>
internal static partial class PcscNative
{
    public const string Library = "libpcsclite.so.1";

    public const uint ScopeSystem = 2;
    public const uint ShareShared = 2;
    public const uint ShareDirect = 3;
    public const uint ProtocolT0 = 1;
    public const uint ProtocolT1 = 2;
    public const uint LeaveCard = 0;
    public const uint ResetCard = 1;
    public const uint UnpowerCard = 2;

    public const uint StateUnaware = 0;
    public const uint StateEmpty = 0x10;
    public const uint StatePresent = 0x20;
    public const uint StateInUse = 0x100;
    public const uint StateMute = 0x200;

    public const long Success = 0;
    public const long InvalidHandle = 0x80100003;
    public const long NotTransacted = 0x80100016;
    public const long Timeout = 0x8010000A;
    public const long NoSmartcard = 0x8010000C;
    public const long ReaderUnavailable = 0x80100017;
    public const long NoService = 0x8010001D;
    public const long NoReadersAvailable = 0x8010002E;
    public const long CommDataLost = 0x8010002F;
    public const long UnresponsiveCard = 0x80100066;
    public const long UnpoweredCard = 0x80100067;
    public const long ResetCardWarning = 0x80100068;
    public const long RemovedCard = 0x80100069;

    [LibraryImport(Library)]
    public static partial nint SCardEstablishContext(nuint scope, nint reserved1, nint reserved2, out nint context);

    [LibraryImport(Library)]
    public static partial nint SCardReleaseContext(nint context);

    [LibraryImport(Library)]
    public static partial nint SCardListReaders(nint context, nint groups, byte[]? readers, ref nuint readersLength);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SCardConnect(nint context, string reader, nuint shareMode, nuint preferredProtocols, out nint card, out nuint activeProtocol);

    [LibraryImport(Library)]
    public static partial nint SCardReconnect(nint card, nuint shareMode, nuint preferredProtocols, nuint initialization, out nuint activeProtocol);

    [LibraryImport(Library)]
    public static partial nint SCardDisconnect(nint card, nuint disposition);

    [LibraryImport(Library)]
    public static partial nint SCardTransmit(nint card, in IoRequest sendPci, byte[] sendBuffer, nuint sendLength, nint receivePci, byte[] receiveBuffer, ref nuint receiveLength);

    [LibraryImport(Library)]
    public static partial nint SCardStatus(nint card, byte[]? readerName, ref nuint readerLength, out nuint state, out nuint protocol, byte[] atr, ref nuint atrLength);

    [LibraryImport(Library)]
    public static partial nint SCardGetStatusChange(nint context, nuint timeoutMilliseconds, ref ReaderState states, nuint count);

    /// <summary>
    /// <c>SCARD_READERSTATE { const char *szReader; void *pvUserData; DWORD dwCurrentState; DWORD dwEventState;
    /// DWORD cbAtr; unsigned char rgbAtr[33]; }</c> (80 bytes with its padding on 64-bit Linux).
    /// </summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ReaderState
    {
        public nint Reader;
        public nint UserData;
        public nuint CurrentState;
        public nuint EventState;
        public nuint AtrLength;
        public AtrBytes Atr;
    }

    /// <summary><c>rgbAtr[MAX_ATR_SIZE]</c>.</summary>
    [InlineArray(33)]
    public struct AtrBytes
    {
        private byte first;
    }

    /// <summary><c>SCARD_IO_REQUEST { unsigned long dwProtocol; unsigned long cbPciLength; }</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct IoRequest
    {
        public nuint Protocol;
        public nuint PciLength;
    }

    public static string Describe(long code) => code switch
    {
        InvalidHandle => "the card handle is no longer valid (SCARD_E_INVALID_HANDLE)",
        NotTransacted => "the card did not answer (SCARD_E_NOT_TRANSACTED)",
        CommDataLost => "communication with the card was lost (SCARD_E_COMM_DATA_LOST)",
        Timeout => "timed out (SCARD_E_TIMEOUT)",
        NoSmartcard => "no card in the reader (SCARD_E_NO_SMARTCARD)",
        ReaderUnavailable => "the reader is unavailable (SCARD_E_READER_UNAVAILABLE)",
        NoService => "the PC/SC service (pcscd) is not running (SCARD_E_NO_SERVICE)",
        NoReadersAvailable => "no readers are available (SCARD_E_NO_READERS_AVAILABLE)",
        UnresponsiveCard => "the card is unresponsive (SCARD_W_UNRESPONSIVE_CARD)",
        UnpoweredCard => "the card is unpowered (SCARD_W_UNPOWERED_CARD)",
        ResetCardWarning => "the card was reset (SCARD_W_RESET_CARD)",
        RemovedCard => "the card was removed (SCARD_W_REMOVED_CARD)",
        _ => $"PC/SC error 0x{code:X8}",
    };
}

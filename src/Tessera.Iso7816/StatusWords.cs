namespace Tessera.Iso7816;

/// <summary>Status words used by Tessera (ISO/IEC 7816-4 interindustry values and GlobalPlatform meanings).</summary>
public static class StatusWords
{
    public static readonly StatusWord Success = new(0x9000);
    public static readonly StatusWord WarningNoInformation = new(0x6200);
    public static readonly StatusWord EndOfFileReached = new(0x6282);
    public static readonly StatusWord WarningNvmChanged = new(0x6300);
    public static readonly StatusWord MoreDataAvailableGetStatus = new(0x6310);
    public static readonly StatusWord ExecutionErrorNoInformation = new(0x6400);
    public static readonly StatusWord MemoryFailure = new(0x6581);
    public static readonly StatusWord WrongLength = new(0x6700);
    public static readonly StatusWord LogicalChannelNotSupported = new(0x6881);
    public static readonly StatusWord SecureMessagingNotSupported = new(0x6882);
    public static readonly StatusWord LastCommandOfChainExpected = new(0x6883);
    public static readonly StatusWord CommandChainingNotSupported = new(0x6884);
    public static readonly StatusWord CommandIncompatibleWithFileStructure = new(0x6981);
    public static readonly StatusWord SecurityStatusNotSatisfied = new(0x6982);
    public static readonly StatusWord AuthenticationMethodBlocked = new(0x6983);
    public static readonly StatusWord ConditionsOfUseNotSatisfied = new(0x6985);
    public static readonly StatusWord CommandNotAllowedNoCurrentEf = new(0x6986);
    public static readonly StatusWord IncorrectDataField = new(0x6A80);
    public static readonly StatusWord FunctionNotSupported = new(0x6A81);
    public static readonly StatusWord FileNotFound = new(0x6A82);
    public static readonly StatusWord NotEnoughMemory = new(0x6A84);
    public static readonly StatusWord IncorrectP1P2 = new(0x6A86);
    public static readonly StatusWord ReferencedDataNotFound = new(0x6A88);
    public static readonly StatusWord FileAlreadyExists = new(0x6A89);
    public static readonly StatusWord DfNameAlreadyExists = new(0x6A8A);
    public static readonly StatusWord WrongParametersOffsetOutsideEf = new(0x6B00);
    public static readonly StatusWord InstructionNotSupported = new(0x6D00);
    public static readonly StatusWord ClassNotSupported = new(0x6E00);
    public static readonly StatusWord NoPreciseDiagnosis = new(0x6F00);

    /// <summary>
    /// 61XX: XX more bytes are available with GET RESPONSE; 256 or more remaining bytes give <c>6100</c>
    /// (a GET RESPONSE with Le <c>00</c> then fetches 256). <paramref name="remaining"/> must be at least 1.
    /// </summary>
    public static StatusWord BytesRemaining(int remaining)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(remaining, 1);
        return new(0x61, remaining >= 256 ? (byte)0 : (byte)remaining);
    }

    /// <summary>
    /// 6CXX: wrong Le, XX is the exact number of available bytes; 256 (or more, capped) gives <c>6C00</c>, the
    /// largest short Le. <paramref name="available"/> must be at least 1.
    /// </summary>
    public static StatusWord WrongLe(int available)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(available, 1);
        return new(0x6C, available >= 256 ? (byte)0 : (byte)available);
    }
}

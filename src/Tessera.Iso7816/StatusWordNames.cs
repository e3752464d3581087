namespace Tessera.Iso7816;

/// <summary>Names of status words for logs and the command line.</summary>
public static class StatusWordNames
{
    private static readonly Dictionary<ushort, string> Exact = new()
    {
        [0x9000] = "success",
        [0x6200] = "warning, NVM unchanged",
        [0x6281] = "part of returned data may be corrupted",
        [0x6282] = "end of file reached before reading Ne bytes",
        [0x6283] = "selected file deactivated",
        [0x6300] = "warning, NVM changed (authentication failed / issuance failed)",
        [0x6310] = "more data available",
        [0x6400] = "execution error, NVM unchanged",
        [0x6581] = "memory failure",
        [0x6700] = "wrong length",
        [0x6881] = "logical channel not supported or not open",
        [0x6882] = "secure messaging not supported",
        [0x6883] = "last command of chain expected",
        [0x6884] = "command chaining not supported",
        [0x6981] = "command incompatible with file structure",
        [0x6982] = "security status not satisfied",
        [0x6983] = "authentication method blocked",
        [0x6984] = "reference data not usable",
        [0x6985] = "conditions of use not satisfied",
        [0x6986] = "command not allowed (no current EF)",
        [0x6987] = "expected secure messaging data objects missing",
        [0x6988] = "incorrect secure messaging data objects",
        [0x6999] = "applet selection failed",
        [0x6A80] = "incorrect parameters in the data field",
        [0x6A81] = "function not supported",
        [0x6A82] = "file or application not found",
        [0x6A84] = "not enough memory space",
        [0x6A83] = "record not found",
        [0x6A86] = "incorrect parameters P1-P2",
        [0x6A87] = "Nc inconsistent with P1-P2",
        [0x6A88] = "referenced data not found",
        [0x6A89] = "file already exists",
        [0x6A8A] = "DF name already exists",
        [0x6B00] = "wrong parameters (offset outside the EF)",
        [0x6D00] = "instruction not supported",
        [0x6E00] = "class not supported",
        [0x6F00] = "no precise diagnosis",
    };

    public static string NameOf(StatusWord sw)
    {
        if (Exact.TryGetValue(sw.Value, out var name))
        {
            return name;
        }

        return sw.Sw1 switch
        {
            0x61 => sw.Sw2 == 0 ? "256 or more bytes available (GET RESPONSE)" : $"{sw.Sw2} bytes available (GET RESPONSE)",
            0x6C => $"wrong Le, {(sw.Sw2 == 0 ? 256 : sw.Sw2)} bytes available",
            0x63 when (sw.Sw2 & 0xF0) == 0xC0 => $"warning, counter {sw.Sw2 & 0x0F}",
            0x62 => "warning, NVM unchanged",
            0x63 => "warning, NVM changed",
            0x64 => "execution error, NVM unchanged",
            0x65 => "execution error, NVM changed",
            0x66 => "security-related execution error",
            0x67 => "wrong length",
            0x68 => "function in CLA not supported",
            0x69 => "command not allowed",
            0x6A => "wrong parameters P1-P2",
            0x6B => "wrong parameters P1-P2",
            0x6D => "instruction not supported",
            0x6E => "class not supported",
            0x6F => "no precise diagnosis",
            0x60 => "invalid status word (SW1 60 is not allowed)",
            _ => "unknown status",
        };
    }
}

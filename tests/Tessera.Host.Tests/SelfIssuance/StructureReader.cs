namespace Tessera.Host.Tests.SelfIssuance;

/// <summary>A simultaneous command as <see cref="StructureReader"/> reads it.</summary>
internal sealed record ReadStructure(
    byte Version,
    byte Flags,
    int M,
    IReadOnlyList<(int Number, long Offset)> RecoveryPoints,
    IReadOnlyList<(ushort Value, ushort Mask, byte Verdict)> Decisions,
    IReadOnlyList<(long Offset, byte[] Apdu)> Commands);

/// <summary>
/// An independent reader of the SPEC §4.3 layout, written from the SPEC text for the tests (it shares no code with
/// the builder): big-endian fields read byte by byte, every check a card makes before it runs anything.
/// </summary>
internal static class StructureReader
{
    /// <summary>Reads a clear structure, or a sealed one's header followed by its opened plaintext.</summary>
    public static ReadStructure Read(byte[] file)
    {
        var at = 0;
        byte U8() => at < file.Length ? file[at++] : throw new InvalidDataException($"structure ends at byte {at}");
        int U16() => (U8() << 8) | U8();
        long U32() => ((long)U8() << 24) | ((long)U8() << 16) | ((long)U8() << 8) | U8();

        var version = U8();
        var flags = U8();
        var m = U16();
        if (version != 1 || (flags & 0xF8) != 0 || m == 0)
        {
            throw new InvalidDataException($"bad header {version:X2} {flags:X2} {m}");
        }

        var points = new List<(int, long)>();
        if ((flags & 1) != 0)
        {
            var r = U16();
            for (var i = 0; i < r; i++)
            {
                points.Add((U16(), U32()));
            }
        }

        var decisions = new List<(ushort, ushort, byte)>();
        if ((flags & 2) != 0)
        {
            var d = U8();
            for (var i = 0; i < d; i++)
            {
                decisions.Add(((ushort)U16(), (ushort)U16(), U8()));
            }
        }

        var commands = new List<(long, byte[])>();
        for (var k = 1; k <= m; k++)
        {
            long offset = at;
            var length = U32();
            if (length > file.Length - at)
            {
                throw new InvalidDataException($"command {k} claims {length} bytes, {file.Length - at} remain");
            }

            var apdu = file.AsSpan(at, (int)length).ToArray();
            at += (int)length;
            if (!IsWellFormed(apdu))
            {
                throw new InvalidDataException($"command {k} is not a well-formed APDU: {Convert.ToHexString(apdu)}");
            }

            commands.Add((offset, apdu));
        }

        if (at != file.Length)
        {
            throw new InvalidDataException($"{file.Length - at} bytes follow command {m}");
        }

        foreach (var (number, offset) in points)
        {
            if (number < 1 || number > m || commands[number - 1].Item1 != offset)
            {
                throw new InvalidDataException($"recovery point {number} at {offset} does not name a command's length field");
            }
        }

        return new ReadStructure(version, flags, m, points, decisions, commands);
    }

    /// <summary>ISO 7816-4 cases 1, 2S, 3S, 4S, 2E, 3E, 4E by their lengths alone.</summary>
    public static bool IsWellFormed(byte[] a)
    {
        var n = a.Length;
        if (n < 4)
        {
            return false;
        }

        if (n is 4 or 5)
        {
            return true;
        }

        if (a[4] != 0)
        {
            return n == 5 + a[4] || n == 6 + a[4];
        }

        if (n == 7)
        {
            return true;
        }

        var lc = (a[5] << 8) | a[6];
        return lc != 0 && (n == 7 + lc || n == 9 + lc);
    }
}

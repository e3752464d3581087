namespace Tessera.Iso7816;

/// <summary>
/// Hexadecimal text ↔ bytes. Parsing accepts upper and lower case digits and, between bytes only, the separators
/// space, tab, CR, LF and colon (<c>3B 89 80</c>, <c>3B:89:80</c>, <c>3B8980</c>).
/// </summary>
public static class Hex
{
    /// <summary>Parses hex text; throws <see cref="FormatException"/> naming the first bad character or an odd digit count.</summary>
    public static byte[] Parse(ReadOnlySpan<char> text)
    {
        var error = TryParseCore(text, out var bytes);
        return error is null ? bytes : throw new FormatException(error);
    }

    /// <summary>Parses hex text; false on any error.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? bytes)
    {
        if (TryParseCore(text, out var parsed) is null)
        {
            bytes = parsed;
            return true;
        }

        bytes = null;
        return false;
    }

    /// <summary>Upper-case hex without separators, e.g. <c>3B8980</c>.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    /// <summary>Upper-case hex with <paramref name="separator"/> between bytes, e.g. <c>3B 89 80</c>.</summary>
    public static string Format(ReadOnlySpan<byte> bytes, string separator)
    {
        ArgumentNullException.ThrowIfNull(separator);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        var builder = new System.Text.StringBuilder((bytes.Length * (2 + separator.Length)) - separator.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (i > 0)
            {
                builder.Append(separator);
            }

            builder.Append(bytes[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return builder.ToString();
    }

    private static bool IsSeparator(char c) => c is ' ' or '\t' or '\r' or '\n' or ':';

    private static int DigitValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    private static string? TryParseCore(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (DigitValue(c) >= 0)
            {
                digits++;
            }
            else if (IsSeparator(c))
            {
                if (digits % 2 != 0)
                {
                    return $"hex separator at position {i} splits a byte (an odd number of digits precedes it)";
                }
            }
            else
            {
                return $"invalid hex character '{c}' (U+{(int)c:X4}) at position {i}";
            }
        }

        if (digits % 2 != 0)
        {
            return $"hex text has an odd number of digits ({digits})";
        }

        var result = new byte[digits / 2];
        var high = -1;
        var o = 0;
        foreach (var c in text)
        {
            var v = DigitValue(c);
            if (v < 0)
            {
                continue;
            }

            if (high < 0)
            {
                high = v;
            }
            else
            {
                result[o++] = (byte)((high << 4) | v);
                high = -1;
            }
        }

        bytes = result;
        return null;
    }
}

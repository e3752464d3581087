using System.Diagnostics.CodeAnalysis;

namespace Tessera.Iso7816;

/// <summary>
/// A BER-TLV tag of 1 to 4 bytes (ISO/IEC 7816-4 Annex D), held as its encoded bytes read as a big-endian number:
/// <c>new BerTag(0x9F7F)</c> is the two-byte tag <c>9F 7F</c>. Rules enforced: the first byte is not <c>00</c>;
/// a first byte with b5-b1 = <c>11111</c> is followed by subsequent bytes, of which the first has b7-b1 not all 0,
/// every one but the last has b8 = 1 and the last has b8 = 0; at most 4 bytes in all.
/// <c>default(BerTag)</c> is not a valid tag (<see cref="IsDefault"/>).
/// </summary>
public readonly struct BerTag : IEquatable<BerTag>, IComparable<BerTag>
{
    /// <summary>Longest tag this library accepts, in bytes.</summary>
    public const int MaxLength = 4;

    private readonly uint value;

    /// <summary>The tag whose encoded bytes, read big-endian, are <paramref name="value"/>; throws <see cref="ArgumentException"/> if invalid.</summary>
    public BerTag(uint value)
    {
        var error = Validate(value);
        if (error is not null)
        {
            throw new ArgumentException($"{value:X} is not a valid BER-TLV tag: {error}", nameof(value));
        }

        this.value = value;
    }

    private BerTag(uint value, bool trusted)
    {
        System.Diagnostics.Debug.Assert(trusted && Validate(value) is null, "trusted tag must be valid");
        this.value = value;
    }

    /// <summary>The encoded tag bytes read as a big-endian number, e.g. <c>0x9F7F</c>.</summary>
    public uint Value => value;

    /// <summary>True for <c>default(BerTag)</c>, which is no tag at all.</summary>
    public bool IsDefault => value == 0;

    /// <summary>Number of bytes of the encoded tag (1-4).</summary>
    public int EncodedLength => value switch
    {
        0 => 0,
        <= 0xFF => 1,
        <= 0xFFFF => 2,
        <= 0xFFFFFF => 3,
        _ => 4,
    };

    private byte FirstByte => (byte)(value >> ((EncodedLength - 1) * 8));

    public BerTagClass Class => (BerTagClass)(FirstByte >> 6);

    /// <summary>Bit b6 of the first byte: the value is a sequence of nested BER-TLV objects.</summary>
    public bool IsConstructed => (FirstByte & 0x20) != 0;

    /// <summary>
    /// The tag number: b5-b1 of a one-byte tag, or the concatenated 7-bit groups of the subsequent bytes
    /// (<c>9F7F</c> → 127, <c>DF8101</c> → 129).
    /// </summary>
    public int Number
    {
        get
        {
            var length = EncodedLength;
            if (length <= 1)
            {
                return (int)(value & 0x1F);
            }

            var number = 0;
            for (var i = length - 2; i >= 0; i--)
            {
                number = (number << 7) | (int)((value >> (i * 8)) & 0x7F);
            }

            return number;
        }
    }

    /// <summary>Builds the shortest tag for a class, form and number (numbers 0-30 in one byte, higher numbers in subsequent bytes).</summary>
    public static BerTag FromNumber(BerTagClass tagClass, bool constructed, int number)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(number);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(number, 0x1FFFFF);
        var first = (uint)(((int)tagClass << 6) | (constructed ? 0x20 : 0));
        if (number < 0x1F)
        {
            if (first == 0 && number == 0)
            {
                throw new ArgumentException("tag 00 is invalid in ISO/IEC 7816", nameof(number));
            }

            return new BerTag(first | (uint)number, true);
        }

        var v = first | 0x1F;
        if (number >= 1 << 14)
        {
            v = (v << 8) | (uint)(0x80 | (number >> 14));
        }

        if (number >= 1 << 7)
        {
            v = (v << 8) | (uint)(0x80 | ((number >> 7) & 0x7F));
        }

        v = (v << 8) | (uint)(number & 0x7F);
        return new BerTag(v, true);
    }

    /// <summary>True when <paramref name="value"/> is the big-endian reading of a valid encoded tag.</summary>
    public static bool TryCreate(uint value, out BerTag tag)
    {
        if (Validate(value) is null)
        {
            tag = new BerTag(value, true);
            return true;
        }

        tag = default;
        return false;
    }

    /// <summary>Parses a tag written in hex, e.g. <c>"9F7F"</c>; the whole text must be exactly one tag.</summary>
    public static BerTag Parse(string hex)
    {
        var bytes = Hex.Parse(hex);
        if (!BerTlv.TryReadTag(bytes, out var tag, out var consumed) || consumed != bytes.Length)
        {
            throw new FormatException($"'{hex}' is not exactly one valid BER-TLV tag");
        }

        return tag;
    }

    /// <summary>Writes the tag bytes; returns the number written.</summary>
    public int Encode(Span<byte> destination)
    {
        var length = EncodedLength;
        if (length == 0)
        {
            throw new InvalidOperationException("default(BerTag) cannot be encoded");
        }

        if (destination.Length < length)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        for (var i = 0; i < length; i++)
        {
            destination[i] = (byte)(value >> ((length - 1 - i) * 8));
        }

        return length;
    }

    public byte[] ToArray()
    {
        var bytes = new byte[EncodedLength];
        Encode(bytes);
        return bytes;
    }

    public bool Equals(BerTag other) => value == other.value;

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is BerTag other && Equals(other);

    public override int GetHashCode() => value.GetHashCode();

    /// <summary>Orders by encoded length, then by encoded bytes.</summary>
    public int CompareTo(BerTag other) => value.CompareTo(other.value);

    /// <summary>The tag bytes in upper-case hex, e.g. <c>9F7F</c>.</summary>
    public override string ToString() => IsDefault ? "(none)" : Convert.ToHexString(ToArray());

    public static bool operator ==(BerTag left, BerTag right) => left.Equals(right);

    public static bool operator !=(BerTag left, BerTag right) => !left.Equals(right);

    /// <summary>Validates the tag bytes that precede the decoder's checks; null when valid.</summary>
    internal static string? Validate(uint value)
    {
        if (value == 0)
        {
            return "00 is not a tag";
        }

        var length = value switch
        {
            <= 0xFF => 1,
            <= 0xFFFF => 2,
            <= 0xFFFFFF => 3,
            _ => 4,
        };
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)(value >> ((length - 1 - i) * 8));
        }

        return ValidateBytes(bytes[..length]);
    }

    internal static string? ValidateBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes[0] == 0)
        {
            return "first tag byte 00 is invalid";
        }

        var multiByte = (bytes[0] & 0x1F) == 0x1F;
        if (!multiByte)
        {
            return bytes.Length == 1 ? null : $"first byte {bytes[0]:X2} announces a one-byte tag";
        }

        if (bytes.Length == 1)
        {
            return $"first byte {bytes[0]:X2} announces subsequent tag bytes";
        }

        if ((bytes[1] & 0x7F) == 0)
        {
            return "b7-b1 of the first subsequent tag byte are all 0";
        }

        for (var i = 1; i < bytes.Length - 1; i++)
        {
            if ((bytes[i] & 0x80) == 0)
            {
                return $"subsequent tag byte {bytes[i]:X2} has b8 = 0 but is not the last";
            }
        }

        return (bytes[^1] & 0x80) != 0 ? $"last tag byte {bytes[^1]:X2} has b8 = 1" : null;
    }

    internal static BerTag FromValidated(uint value) => new(value, true);
}

using System.Diagnostics.CodeAnalysis;

namespace Tessera.Iso7816;

/// <summary>
/// An application identifier (ISO/IEC 7816-4 §8.2.1.2): 5 to 16 bytes, the first 5 being the registered application
/// provider identifier (RID) and the rest the proprietary application identifier extension (PIX). Equality, hash
/// and order are by content. <c>default(Aid)</c> holds no bytes (<see cref="IsDefault"/>) and is not a valid AID.
/// </summary>
public readonly struct Aid : IEquatable<Aid>, IComparable<Aid>
{
    public const int MinLength = 5;
    public const int MaxLength = 16;
    public const int RidLength = 5;

    private readonly byte[]? bytes;

    /// <summary>An AID with a copy of <paramref name="bytes"/>; throws <see cref="ArgumentException"/> unless 5-16 bytes.</summary>
    public Aid(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length is < MinLength or > MaxLength)
        {
            throw new ArgumentException($"an AID has 5 to 16 bytes, got {bytes.Length}", nameof(bytes));
        }

        this.bytes = bytes.ToArray();
    }

    private Aid(byte[] owned)
    {
        bytes = owned;
    }

    public bool IsDefault => bytes is null;

    public int Length => bytes?.Length ?? 0;

    public ReadOnlySpan<byte> Span => bytes;

    public ReadOnlyMemory<byte> Memory => bytes;

    /// <summary>The registered application provider identifier, the first 5 bytes.</summary>
    public ReadOnlySpan<byte> Rid => bytes is null ? default : bytes.AsSpan(0, RidLength);

    /// <summary>The proprietary application identifier extension (0-11 bytes after the RID).</summary>
    public ReadOnlySpan<byte> Pix => bytes is null ? default : bytes.AsSpan(RidLength);

    /// <summary>Parses an AID written in hex (separators as in <see cref="Hex.Parse"/>).</summary>
    public static Aid Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        var parsed = Hex.Parse(hex);
        return parsed.Length is >= MinLength and <= MaxLength
            ? new Aid(parsed)
            : throw new FormatException($"an AID has 5 to 16 bytes, '{hex}' has {parsed.Length}");
    }

    public static bool TryParse([NotNullWhen(true)] string? hex, out Aid aid)
    {
        if (hex is not null && Hex.TryParse(hex, out var parsed) && parsed.Length is >= MinLength and <= MaxLength)
        {
            aid = new Aid(parsed);
            return true;
        }

        aid = default;
        return false;
    }

    /// <summary>True and an AID when <paramref name="bytes"/> has 5-16 bytes.</summary>
    public static bool TryCreate(ReadOnlySpan<byte> bytes, out Aid aid)
    {
        if (bytes.Length is >= MinLength and <= MaxLength)
        {
            aid = new Aid(bytes.ToArray());
            return true;
        }

        aid = default;
        return false;
    }

    /// <summary>
    /// True when this AID begins with <paramref name="prefix"/> (SELECT by partial DF name). An empty prefix matches
    /// every AID.
    /// </summary>
    public bool StartsWith(ReadOnlySpan<byte> prefix) => Span.StartsWith(prefix);

    public bool StartsWith(Aid prefix) => Span.StartsWith(prefix.Span);

    public byte[] ToArray() => Span.ToArray();

    public bool Equals(Aid other) => Span.SequenceEqual(other.Span);

    public override bool Equals([NotNullWhen(true)] object? obj) => obj is Aid other && Equals(other);

    public override int GetHashCode()
    {
        var hash = default(HashCode);
        hash.AddBytes(Span);
        return hash.ToHashCode();
    }

    /// <summary>Byte-wise order; a prefix sorts before the longer AID.</summary>
    public int CompareTo(Aid other) => Span.SequenceCompareTo(other.Span);

    /// <summary>Upper-case hex, e.g. <c>A000000151000000</c>.</summary>
    public override string ToString() => Convert.ToHexString(Span);

    public static bool operator ==(Aid left, Aid right) => left.Equals(right);

    public static bool operator !=(Aid left, Aid right) => !left.Equals(right);

    public static bool operator <(Aid left, Aid right) => left.CompareTo(right) < 0;

    public static bool operator >(Aid left, Aid right) => left.CompareTo(right) > 0;

    public static bool operator <=(Aid left, Aid right) => left.CompareTo(right) <= 0;

    public static bool operator >=(Aid left, Aid right) => left.CompareTo(right) >= 0;
}

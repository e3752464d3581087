namespace Tessera.Iso7816;

/// <summary>
/// Builds a sequence of BER-TLV data objects. Constructed objects are opened with <see cref="PushConstructed"/>
/// (use the returned scope in a <c>using</c>, or call <see cref="PopConstructed()"/>); their length is written in
/// the shortest form when they are closed.
/// </summary>
public sealed class BerTlvWriter
{
    private readonly Stack<(BerTag Tag, int Start)> open = new();
    private byte[] buffer = new byte[64];
    private int length;

    /// <summary>Number of constructed objects opened and not yet closed.</summary>
    public int Depth => open.Count;

    /// <summary>Writes one data object <c>tag ‖ length ‖ value</c>.</summary>
    public void Write(BerTag tag, ReadOnlySpan<byte> value)
    {
        var size = BerTlv.GetEncodedSize(tag, value.Length);
        EnsureCapacity(size);
        length += BerTlv.Write(buffer.AsSpan(length), tag, value);
    }

    /// <summary>Appends bytes that already are whole BER-TLV data objects; they are checked, not changed.</summary>
    public void WriteEncoded(ReadOnlySpan<byte> encoded)
    {
        var rest = encoded;
        while (!rest.IsEmpty)
        {
            var error = BerTlv.DecodeElement(rest, out _, out _, out _, out var consumed, out var at);
            if (error is not null)
            {
                throw new TlvFormatException(error, encoded.Length - rest.Length + at);
            }

            rest = rest[consumed..];
        }

        EnsureCapacity(encoded.Length);
        encoded.CopyTo(buffer.AsSpan(length));
        length += encoded.Length;
    }

    /// <summary>Opens a constructed data object; everything written until it is closed becomes its value.</summary>
    public Scope PushConstructed(BerTag tag)
    {
        BerTlv.ThrowIfDefault(tag);
        if (!tag.IsConstructed)
        {
            throw new ArgumentException($"tag {tag} is primitive (b6 of its first byte is 0)", nameof(tag));
        }

        EnsureCapacity(tag.EncodedLength);
        length += tag.Encode(buffer.AsSpan(length));
        open.Push((tag, length));
        return new Scope(this, tag, open.Count);
    }

    /// <summary>Closes the innermost open constructed data object.</summary>
    public void PopConstructed()
    {
        if (open.Count == 0)
        {
            throw new InvalidOperationException("no constructed data object is open");
        }

        var (_, start) = open.Pop();
        var contentLength = length - start;
        var lengthSize = BerTlv.GetLengthSize(contentLength);
        EnsureCapacity(lengthSize);
        Array.Copy(buffer, start, buffer, start + lengthSize, contentLength);
        BerTlv.WriteLength(buffer.AsSpan(start), contentLength);
        length += lengthSize;
    }

    /// <summary>Closes the innermost open constructed data object, which must have tag <paramref name="tag"/>.</summary>
    public void PopConstructed(BerTag tag)
    {
        if (open.Count == 0 || open.Peek().Tag != tag)
        {
            throw new InvalidOperationException(open.Count == 0
                ? $"no constructed data object is open (closing {tag})"
                : $"the innermost open constructed data object is {open.Peek().Tag}, not {tag}");
        }

        PopConstructed();
    }

    /// <summary>Size of the encoding; all constructed objects must be closed.</summary>
    public int GetEncodedLength()
    {
        ThrowIfOpen();
        return length;
    }

    /// <summary>Copies the encoding into <paramref name="destination"/>; returns the bytes written.</summary>
    public int Encode(Span<byte> destination)
    {
        ThrowIfOpen();
        if (destination.Length < length)
        {
            throw new ArgumentException("destination too short", nameof(destination));
        }

        buffer.AsSpan(0, length).CopyTo(destination);
        return length;
    }

    /// <summary>The encoding of everything written; all constructed objects must be closed.</summary>
    public byte[] Encode()
    {
        ThrowIfOpen();
        return buffer.AsSpan(0, length).ToArray();
    }

    /// <inheritdoc cref="Encode()"/>
    public byte[] ToArray() => Encode();

    /// <summary>Forgets everything written.</summary>
    public void Reset()
    {
        open.Clear();
        length = 0;
    }

    private void ThrowIfOpen()
    {
        if (open.Count > 0)
        {
            throw new InvalidOperationException($"{open.Count} constructed data object(s) still open, innermost {open.Peek().Tag}");
        }
    }

    private void EnsureCapacity(int extra)
    {
        var needed = (long)length + extra;
        if (needed <= buffer.Length)
        {
            return;
        }

        if (needed > Array.MaxLength)
        {
            throw new InvalidOperationException("BER-TLV encoding too large");
        }

        var size = Math.Max(needed, Math.Min((long)buffer.Length * 2, Array.MaxLength));
        Array.Resize(ref buffer, (int)size);
    }

    /// <summary>Closes its constructed data object when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly BerTlvWriter? writer;
        private readonly BerTag tag;
        private readonly int depth;

        internal Scope(BerTlvWriter writer, BerTag tag, int depth)
        {
            this.writer = writer;
            this.tag = tag;
            this.depth = depth;
        }

        public void Dispose()
        {
            if (writer is null)
            {
                return;
            }

            if (writer.Depth != depth)
            {
                throw new InvalidOperationException($"scope of {tag} closed out of order (depth {writer.Depth}, expected {depth})");
            }

            writer.PopConstructed(tag);
        }
    }
}

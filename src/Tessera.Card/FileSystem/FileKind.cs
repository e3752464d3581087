namespace Tessera.Card.FileSystem;

/// <summary>File descriptor byte values of SPEC §2 (FCP tag 82).</summary>
public enum FileKind : byte
{
    /// <summary>Working transparent EF (descriptor <c>01</c>).</summary>
    TransparentEf = 0x01,

    /// <summary>Dedicated file (descriptor <c>38</c>).</summary>
    Df = 0x38,
}

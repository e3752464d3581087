using Tessera.Iso7816;

namespace Tessera.Card.Manager.Commands;

/// <summary>Reads the LV-coded fields of INSTALL data (GPCS §11.5.2.3); anything malformed is <c>6A80</c>.</summary>
internal ref struct LvCursor(ReadOnlySpan<byte> data)
{
    private ReadOnlySpan<byte> rest = data;

    public ReadOnlySpan<byte> Next(string field, int min = 0, int max = GpLength.MaxLength)
    {
        if (!GpLength.TryReadLv(rest, out var value, out var consumed))
        {
            throw IsdCommand.WrongData($"INSTALL data ends or is malformed at the {field} field");
        }

        if (value.Length < min || value.Length > max)
        {
            throw IsdCommand.WrongData($"the {field} field has {value.Length} bytes, allowed {min} to {max}");
        }

        rest = rest[consumed..];
        return value;
    }

    /// <summary>An AID field (5–16 bytes), or an empty one when <paramref name="optional"/>.</summary>
    public Aid? NextAid(string field, bool optional = false)
    {
        var value = Next(field, optional ? 0 : Aid.MinLength, Aid.MaxLength);
        if (value.IsEmpty)
        {
            return null;
        }

        return Aid.TryCreate(value, out var aid) ? aid : throw IsdCommand.WrongData($"the {field} field is not an AID");
    }

    public void NextEmpty(string field) => Next(field, 0, 0);

    public readonly void End()
    {
        if (!rest.IsEmpty)
        {
            throw IsdCommand.WrongData("INSTALL data continues after its last field");
        }
    }
}

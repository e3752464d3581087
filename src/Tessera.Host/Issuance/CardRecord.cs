using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Tessera.Iso7816;

namespace Tessera.Host.Issuance;

/// <summary>
/// The per-card data of one issuance: named hex fields (<c>cardNumber</c>, <c>serialNumber</c>…) that fill the
/// <c>{field}</c> placeholders of an <see cref="IssuanceProfile"/>. Field names are case-sensitive.
/// </summary>
public sealed partial class CardRecord(IReadOnlyDictionary<string, string> fields)
{
    public IReadOnlyDictionary<string, string> Fields { get; } = fields ?? throw new ArgumentNullException(nameof(fields));

    public static CardRecord Empty { get; } = new(new Dictionary<string, string>());

    /// <summary>A JSON object of string fields: <c>{"cardNumber": "0001", "serialNumber": "…"}</c>.</summary>
    public static CardRecord Parse(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? throw new FormatException("the card record is empty (null)"));

    public static CardRecord Load(string path) => Parse(File.ReadAllText(path));

    /// <summary>Replaces every <c>{field}</c> of <paramref name="template"/> and returns the text (still hex, with spaces allowed).</summary>
    public string Fill(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        return Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            return Fields.TryGetValue(name, out var value)
                ? value
                : throw new KeyNotFoundException($"the card record has no field '{name}' for placeholder {{{name}}}");
        });
    }

    /// <summary>Fills the placeholders and parses the result as hex.</summary>
    public byte[] FillHex(string template)
    {
        var text = Fill(template);
        try
        {
            return Hex.Parse(text);
        }
        catch (FormatException e)
        {
            throw new FormatException($"'{template}' filled to '{text}', which is not hex: {e.Message}", e);
        }
    }

    /// <summary>The names of the placeholders a template uses.</summary>
    public static IReadOnlyList<string> PlaceholdersIn(string template) =>
        Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct().ToList();

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Fields)
        {
            text.Append(name).Append('=').Append(value).Append(' ');
        }

        return text.ToString().TrimEnd();
    }

    [GeneratedRegex(@"\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex Placeholder();
}

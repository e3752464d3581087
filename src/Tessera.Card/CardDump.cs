using System.Text;
using Tessera.Card.Os;

namespace Tessera.Card;

/// <summary>The canonical text form of a card's persistent content: equal content gives equal text.</summary>
internal static class CardDump
{
    public static string Write(CardRuntime runtime)
    {
        var text = new StringBuilder();
        text.Append("nvm free ").Append(runtime.Nvm.FreeBytes).Append(" of ").Append(runtime.Nvm.Capacity).Append('\n');
        foreach (var file in runtime.Files.AllFiles)
        {
            text.Append(file.PathText).Append(' ').Append(file.IsDf ? "DF" : "EF");
            if (file.DfName is not null)
            {
                text.Append(" name=").Append(Convert.ToHexString(file.DfName));
            }

            text.Append($" flags={file.Flags:X2} ac={file.Rules.Read.Value:X2}{file.Rules.Update.Value:X2}{file.Rules.Delete.Value:X2}{file.Rules.Create.Value:X2}");
            if (!file.IsDf)
            {
                var content = new byte[file.Size];
                runtime.Files.ReadContent(file, 0, content);
                text.Append(" size=").Append(file.Size).Append(" data=").Append(Convert.ToHexString(content));
            }

            text.Append('\n');
        }

        text.Append(runtime.Manager.Dump());
        return text.ToString();
    }
}

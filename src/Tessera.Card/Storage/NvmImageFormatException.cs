namespace Tessera.Card.Storage;

/// <summary>A file is not a readable Tessera card image (missing, truncated or damaged header, wrong length).</summary>
public class NvmImageFormatException : IOException
{
    public NvmImageFormatException(string path, string problem)
        : base($"'{path}' is not a usable Tessera card image: {problem}")
    {
        Problem = problem;
    }

    public string Problem { get; }
}

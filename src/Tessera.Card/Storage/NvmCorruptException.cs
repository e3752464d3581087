namespace Tessera.Card.Storage;

/// <summary>
/// The medium does not hold a (consistent) Tessera NVM volume: it was never formatted, was formatted with another
/// geometry, or its allocation metadata is damaged. Tears never cause this; they are recovered.
/// </summary>
public class NvmCorruptException : Exception
{
    public NvmCorruptException(string message)
        : base(message)
    {
    }
}

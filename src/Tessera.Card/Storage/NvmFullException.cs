namespace Tessera.Card.Storage;

/// <summary>
/// Not enough NVM: the heap has no free block large enough, or the atomic unit would outgrow the journal. Nothing was
/// changed by the call that threw; the atomic unit stays usable. The card answers <c>6A84</c>.
/// </summary>
public class NvmFullException : Exception
{
    public NvmFullException(string message)
        : base(message)
    {
    }
}

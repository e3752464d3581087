namespace Tessera.Card.Storage;

public enum TransactionExceptionReason
{
    /// <summary>A transaction is already open (transactions do not nest).</summary>
    InProgress,

    /// <summary>Commit or abort without an open transaction.</summary>
    NotInProgress,
}

/// <summary>Misuse of the explicit applet transaction of <see cref="NonVolatileMemory"/>.</summary>
public class TransactionException : Exception
{
    public TransactionException(TransactionExceptionReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public TransactionExceptionReason Reason { get; }
}

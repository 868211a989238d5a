using System.Transactions;

namespace VssId.BuildingBlocks.Transactions;

/// <summary>
/// The transaction-plus-enqueue pattern: a write and a Hangfire enqueue commit together when both run
/// inside this scope on the process's one <c>NpgsqlDataSource</c> (Hangfire enlists; one physical
/// connection, so no two-phase commit). Open no Marten session inside it (stack-facts.md).
/// </summary>
public static class AmbientTransaction
{
    /// <summary>
    /// Read committed, flowing across awaits; <paramref name="option"/> RequiresNew for a job's own unit of work.
    /// The default timeout is .NET's (one minute) rather than none: a stuck write gives up instead of holding
    /// a pooled connection and its row locks.
    /// </summary>
    public static TransactionScope Begin(TransactionScopeOption option = TransactionScopeOption.Required, TimeSpan? timeout = null) =>
        new(option, new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted, Timeout = timeout ?? TransactionManager.DefaultTimeout },
            TransactionScopeAsyncFlowOption.Enabled);

    /// <summary>
    /// Outside any ambient transaction: for what must commit on its own whatever the caller's transaction does, and
    /// for a read on a second connection while the caller's is open (enlisting it would need two-phase commit).
    /// </summary>
    public static TransactionScope Outside() => new(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
}

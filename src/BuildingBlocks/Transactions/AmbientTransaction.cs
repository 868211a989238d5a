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
}

using System.Threading.Channels;
using Marten;
using Npgsql;

namespace VssId.BuildingBlocks.Marten;

/// <summary>
/// Group commit (ADR 17): concurrent requests' independent writes saved together, one Marten session and one
/// transaction per group, so a burst of starts pays the save's fixed costs (its round trips, the commit and its WAL
/// flush, Marten's own work per save) once per group instead of once per request. A request is answered only after
/// the transaction holding its write committed, so nothing answered is lost.
/// </summary>
/// <remarks>
/// A write in a group must not depend on another write of the group: what it checks in SQL may not be what another
/// group member writes (a start's checks read accounts, open submissions and verified drafts — none of which a start
/// writes). When the server refuses a statement, or a write throws while queuing, nothing of the group is stored:
/// every write of the group is then saved alone, so each gets its own answer (the refused one its refusal). Any other
/// failure (a lost connection: whether the commit happened is unknown) is every member's failure, as it would be for
/// a save of its own.
/// </remarks>
public sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>The largest group: one Marten batch page holds it with room to spare.</summary>
    public const int MaxGroup = 32;

    private readonly IDocumentStore _store;
    private readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { AllowSynchronousContinuations = false });
    private readonly Task[] _writers;

    /// <param name="writers">How many groups may be saving at once (each holds one pooled connection).</param>
    public GroupCommit(IDocumentStore store, int writers)
    {
        _store = store;
        // The loops must not carry the first caller's request context (its activity, its logging scope).
        using (ExecutionContext.SuppressFlow())
        {
            _writers = Enumerable.Range(0, Math.Max(1, writers)).Select(_ => Task.Run(SaveGroups)).ToArray();
        }
    }

    /// <summary>Writes queued and not yet taken into a group.</summary>
    public int Waiting => _writes.Reader.Count;

    /// <summary>
    /// Queues <paramref name="write"/>'s operations on a shared session and returns once they committed; throws what
    /// the save threw. <paramref name="write"/> only queues operations (no reads, no awaits) and may run twice — on
    /// the group's session, then alone — so it must be a pure function of what it captured.
    /// </summary>
    public Task Save(Action<IDocumentSession> write, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Write(write);
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(GroupCommit), "The host is stopping.");
        }
        // Not cancelled once queued: the group may already be committing it, and the caller must not be told
        // "cancelled" about a write that is stored.
        return pending.Done.Task;
    }

    private async Task SaveGroups()
    {
        var group = new List<Write>(MaxGroup);
        while (await _writes.Reader.WaitToReadAsync())
        {
            group.Clear();
            while (group.Count < MaxGroup && _writes.Reader.TryRead(out var write))
            {
                group.Add(write);
            }
            if (group.Count > 0)
            {
                await SaveGroup(group);
            }
        }
    }

    private async Task SaveGroup(List<Write> group)
    {
        try
        {
            await SaveTogether(group);
            foreach (var write in group)
            {
                write.Done.TrySetResult();
            }
        }
        catch (Exception ex) when (group.Count > 1 && (ex is WriteFailed || RolledBack(ex.FindPostgresError())))
        {
            // Nothing of the group is stored (the server rolled the transaction back): each alone finds its own answer.
            await Task.WhenAll(group.Select(SaveAlone));
        }
        catch (Exception ex)
        {
            var failure = ex is WriteFailed failed ? failed.InnerException! : ex;
            foreach (var write in group)
            {
                write.Done.TrySetException(failure);
            }
        }
    }

    /// <summary>
    /// The server refused a statement and the transaction is gone. Not so for a connection or operator error (classes
    /// 08, 57: a lost connection, a shutdown) or a server fault (58, XX): those can come while the commit is under way,
    /// so whether it happened is unknown, and saving again could store a write twice or call a stored one failed.
    /// </summary>
    private static bool RolledBack(PostgresException? error) =>
        error is not null && error.SqlState[..2] is not ("08" or "57" or "58" or "XX");

    private async Task SaveAlone(Write write)
    {
        try
        {
            await SaveTogether([write]);
            write.Done.TrySetResult();
        }
        catch (Exception ex)
        {
            write.Done.TrySetException(ex is WriteFailed failed ? failed.InnerException! : ex);
        }
    }

    private async Task SaveTogether(IReadOnlyList<Write> writes)
    {
        await using var session = _store.LightweightSession();
        foreach (var write in writes)
        {
            try
            {
                write.Queue(session);
            }
            catch (Exception ex)
            {
                throw new WriteFailed(ex);
            }
        }
        await session.SaveChangesAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    private sealed record Write(Action<IDocumentSession> Queue)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class WriteFailed(Exception inner) : Exception(inner.Message, inner);
}

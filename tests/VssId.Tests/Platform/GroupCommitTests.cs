using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.BuildingBlocks.Marten;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Platform;

/// <summary>
/// Group commit (ADR 17) on real PostgreSQL. Each test holds its one writer inside a first write (a gate) while the
/// writes under test queue up, so they form one group deterministically; a probe table records each row's
/// transaction, so "one group, one transaction" is read from PostgreSQL, not assumed.
/// </summary>
public sealed class GroupCommitTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly IDocumentStore _store = fixture.App.Services.GetRequiredService<IDocumentStore>();

    /// <summary>A table whose rows remember the transaction that inserted them.</summary>
    private async Task<string> ProbeTable()
    {
        var name = $"public.group_probe_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand($"CREATE TABLE {name} (id int PRIMARY KEY, tx text NOT NULL DEFAULT pg_current_xact_id()::text)", connection);
        await create.ExecuteNonQueryAsync();
        return name;
    }

    private static Action<IDocumentSession> Insert(string table, int id) => session => session.QueueSqlCommand($"INSERT INTO {table} (id) VALUES (?)", id);

    private Task<long> Count(string sql) => NotificationsDb.Count(fixture.ConnectionString, sql);

    /// <summary>Occupies the writer until released: what queues meanwhile is saved as the next group.</summary>
    private sealed class Gate
    {
        private readonly ManualResetEventSlim _entered = new(), _released = new();

        public Task Hold(GroupCommit commits) => commits.Save(_ =>
        {
            _entered.Set();
            _released.Wait(TimeSpan.FromSeconds(60));
        }, CancellationToken.None);

        public Task Entered => Task.Run(() => Assert.True(_entered.Wait(TimeSpan.FromSeconds(30)), "the writer took the gate"));

        public void Release() => _released.Set();
    }

    private static async Task Queued(GroupCommit commits, int count) =>
        await Eventually.True(() => Task.FromResult(commits.Waiting == count), TimeSpan.FromSeconds(30), $"{count} writes queued");

    [Fact]
    public async Task Writes_that_queue_while_a_group_saves_commit_together_in_one_transaction_and_each_is_answered()
    {
        var table = await ProbeTable();
        await using var commits = new GroupCommit(_store, writers: 1);
        var gate = new Gate();
        var held = gate.Hold(commits);
        await gate.Entered;
        var saves = Enumerable.Range(1, 10).Select(id => commits.Save(Insert(table, id), CancellationToken.None)).ToArray();
        await Queued(commits, 10);
        Assert.All(saves, save => Assert.False(save.IsCompleted)); // nobody is answered before the commit

        gate.Release();
        await held;
        await Task.WhenAll(saves);
        Assert.Equal(10, await Count($"SELECT count(*) FROM {table}"));
        Assert.Equal(1, await Count($"SELECT count(DISTINCT tx) FROM {table}"));
    }

    [Fact]
    public async Task A_refused_write_gets_its_own_refusal_and_the_rest_of_its_group_is_stored()
    {
        var table = await ProbeTable();
        await using var commits = new GroupCommit(_store, writers: 1);
        await commits.Save(Insert(table, 1), CancellationToken.None);
        var gate = new Gate();
        var held = gate.Hold(commits);
        await gate.Entered;
        var first = commits.Save(Insert(table, 2), CancellationToken.None);
        var duplicate = commits.Save(Insert(table, 1), CancellationToken.None);
        var last = commits.Save(Insert(table, 3), CancellationToken.None);
        await Queued(commits, 3);

        gate.Release();
        await held;
        await first;
        await last;
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => duplicate);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, refusal.FindPostgresError()?.SqlState);
        Assert.Equal(3, await Count($"SELECT count(*) FROM {table}"));
        // The group was rolled back and its good writes saved alone.
        Assert.Equal(3, await Count($"SELECT count(DISTINCT tx) FROM {table}"));
    }

    [Fact]
    public async Task A_write_that_throws_while_queuing_fails_alone()
    {
        var table = await ProbeTable();
        await using var commits = new GroupCommit(_store, writers: 1);
        var gate = new Gate();
        var held = gate.Hold(commits);
        await gate.Entered;
        var before = commits.Save(Insert(table, 1), CancellationToken.None);
        var broken = commits.Save(session =>
        {
            Insert(table, 2)(session);
            throw new InvalidOperationException("not this one");
        }, CancellationToken.None);
        var after = commits.Save(Insert(table, 3), CancellationToken.None);
        await Queued(commits, 3);

        gate.Release();
        await held;
        await Task.WhenAll(before, after);
        Assert.Equal("not this one", (await Assert.ThrowsAsync<InvalidOperationException>(() => broken)).Message);
        Assert.Equal(2, await Count($"SELECT count(*) FROM {table} WHERE id IN (1, 3)"));
        Assert.Equal(0, await Count($"SELECT count(*) FROM {table} WHERE id = 2"));
    }

    [Fact]
    public async Task A_lost_connection_fails_every_write_of_its_group_and_none_is_saved_again()
    {
        var table = await ProbeTable();
        await using var commits = new GroupCommit(_store, writers: 1);
        var gate = new Gate();
        var held = gate.Hold(commits);
        await gate.Entered;
        var before = commits.Save(Insert(table, 1), CancellationToken.None);
        // The server ends the group's connection midway: had it been the commit, whether it happened would be unknown.
        var killer = commits.Save(session => session.QueueSqlCommand("SELECT pg_terminate_backend(pg_backend_pid())"), CancellationToken.None);
        var after = commits.Save(Insert(table, 2), CancellationToken.None);
        await Queued(commits, 3);

        gate.Release();
        await held;
        foreach (var save in new[] { before, killer, after })
        {
            await Assert.ThrowsAnyAsync<Exception>(() => save);
        }
        Assert.Equal(0, await Count($"SELECT count(*) FROM {table}"));
    }

    [Fact]
    public async Task Cancelling_a_queued_write_does_not_call_it_cancelled_once_it_is_stored()
    {
        var table = await ProbeTable();
        await using var commits = new GroupCommit(_store, writers: 1);
        var gate = new Gate();
        var held = gate.Hold(commits);
        await gate.Entered;
        using var cancellation = new CancellationTokenSource();
        var save = commits.Save(Insert(table, 1), cancellation.Token);
        await Queued(commits, 1);
        await cancellation.CancelAsync();

        gate.Release();
        await held;
        await save;
        Assert.Equal(1, await Count($"SELECT count(*) FROM {table}"));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => commits.Save(Insert(table, 2), cancellation.Token));
        Assert.Equal(0, await Count($"SELECT count(*) FROM {table} WHERE id = 2"));
    }

    [Fact]
    public async Task Stopping_saves_every_queued_write_before_it_returns_and_then_takes_no_more()
    {
        var table = await ProbeTable();
        var commits = new GroupCommit(_store, writers: 2);
        var gates = new[] { new Gate(), new Gate() };
        var held = new List<Task>();
        foreach (var gate in gates)
        {
            held.Add(gate.Hold(commits));
            await gate.Entered; // one gate per writer
        }
        var saves = Enumerable.Range(1, 5).Select(id => commits.Save(Insert(table, id), CancellationToken.None)).ToArray();
        await Queued(commits, 5);

        var stopping = commits.DisposeAsync().AsTask();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commits.Save(Insert(table, 6), CancellationToken.None));
        Assert.False(stopping.IsCompleted);
        foreach (var gate in gates)
        {
            gate.Release();
        }
        await stopping;
        Assert.All(saves.Concat(held), save => Assert.True(save.IsCompletedSuccessfully));
        Assert.Equal(5, await Count($"SELECT count(*) FROM {table}"));
    }
}

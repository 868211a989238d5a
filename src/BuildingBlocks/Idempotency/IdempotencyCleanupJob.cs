using Hangfire;
using Npgsql;

namespace VssId.BuildingBlocks.Idempotency;

/// <summary>Deletes stored idempotent responses older than 24 h (they may hold access tokens).</summary>
public sealed class IdempotencyCleanupJob(NpgsqlDataSource dataSource, TimeProvider time)
{
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Delete expired idempotency records")]
    public async Task Run(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM marten.idempotency_requests WHERE created_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - IdempotencyMiddleware.Lifetime });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

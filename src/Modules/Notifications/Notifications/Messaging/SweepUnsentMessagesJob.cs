using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// The safety net under "never lost": a message is Pending or Retrying only while a job is on its way to
/// it. A job can still vanish — its worker killed after fetching it (Hangfire makes it visible again only
/// after the invisibility timeout), or failing outside its own try (a lost connection, a lock or
/// transaction timeout: Hangfire then records the job as failed and the message row keeps its status).
/// Every minute this sweep enqueues a new job for each message overdue by <see cref="Grace"/>: Pending
/// since it was accepted, or Retrying since its retry was due. A duplicate job is harmless: the send locks
/// the row and skips a message that is no longer Pending or Retrying.
/// </summary>
public sealed class SweepUnsentMessagesJob(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, TimeProvider time,
    ILogger<SweepUnsentMessagesJob> logger)
{
    /// <summary>How late a message must be before the sweep sends it again; a healthy job starts within a second.</summary>
    public static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    private const int Batch = 500;

    // The next minute's sweep is the retry.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Sweep unsent messages")]
    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - Grace;
        var overdue = new List<Guid>();
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        await using (var select = new NpgsqlCommand("""
            SELECT id FROM notifications.messages
            WHERE status IN ('Pending', 'Retrying') AND created_at < $1
              AND (status = 'Pending' OR next_attempt_at IS NULL OR next_attempt_at < $1)
            ORDER BY created_at LIMIT $2
            """, connection) { Parameters = { new() { Value = cutoff }, new() { Value = Batch } } })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                overdue.Add(reader.GetGuid(0));
            }
        }
        foreach (var id in overdue)
        {
            jobs.Enqueue<SendMessageJob>(job => job.Run(id, CancellationToken.None));
        }
        if (overdue.Count > 0)
        {
            logger.LogWarning("Re-enqueued {Count} overdue messages (a send job was lost or its worker died)", overdue.Count);
        }
        return overdue.Count;
    }
}

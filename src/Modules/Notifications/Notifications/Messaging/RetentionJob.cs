using Hangfire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace VssId.Modules.Notifications.Messaging;

/// <summary><c>Retention</c> settings: how long Notifications keeps what it needs only for a while (README, "Retention").</summary>
public sealed class RetentionOptions
{
    /// <summary>One-time codes (hashes, and the HMACs of phone and address block the limits count): a day covers every limit.</summary>
    public int OneTimeCodeHours { get; set; } = 24;

    /// <summary>The delivery log keeps the recipient in full this long (support questions), then only masked, and no text.</summary>
    public int DeliveryAddressDays { get; set; } = 90;

    /// <summary>Development outbox rows (codes in clear, by design).</summary>
    public int OutboxDays { get; set; } = 7;
}

/// <summary>
/// Deletes or masks what Notifications holds past its period (issue 13 item 13), in batches until none is left, so
/// a backlog after downtime is cleared in one run. Idempotent: each statement only touches rows past their period.
/// </summary>
public sealed class RetentionJob(NpgsqlDataSource dataSource, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger)
{
    private const int Batch = 5000;

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Notifications retention")]
    public async Task<long> Run(CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        long total = 0;
        total += await Repeat("""
            DELETE FROM notifications.one_time_codes WHERE id IN (
              SELECT id FROM notifications.one_time_codes WHERE created_at < $1 LIMIT $2)
            """, now.AddHours(-o.OneTimeCodeHours), cancellationToken);
        // A phone keeps its first three and last two digits, an email its first letter and domain (masked when accepted;
        // rows from before that are masked here); the recipient's key and the text go.
        total += await Repeat("""
            UPDATE notifications.messages SET
              to_address = coalesce(to_masked, CASE WHEN channel = 'sms' THEN left(to_address, 3) || repeat('*', greatest(length(to_address) - 5, 0)) || right(to_address, 2)
                                ELSE left(to_address, 1) || '***@' || split_part(to_address, '@', 2) END),
              to_key = NULL, body_redacted = '', subject = NULL, body_protected = NULL, last_error = NULL
            WHERE id IN (
              SELECT id FROM notifications.messages
              WHERE created_at < $1 AND status NOT IN ('Pending', 'Retrying') AND body_redacted <> '' LIMIT $2)
            """, now.AddDays(-o.DeliveryAddressDays), cancellationToken);
        total += await Repeat("""
            DELETE FROM notifications.outbox WHERE id IN (SELECT id FROM notifications.outbox WHERE created_at < $1 LIMIT $2)
            """, now.AddDays(-o.OutboxDays), cancellationToken);
        if (total > 0)
        {
            logger.LogInformation("Retention: {Rows} rows deleted or masked", total);
        }
        return total;
    }

    private async Task<long> Repeat(string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            await using var command = dataSource.CreateCommand(sql);
            command.Parameters.Add(new NpgsqlParameter { Value = before });
            command.Parameters.Add(new NpgsqlParameter { Value = Batch });
            var changed = await command.ExecuteNonQueryAsync(cancellationToken);
            total += changed;
            if (changed < Batch)
            {
                return total;
            }
        }
    }
}

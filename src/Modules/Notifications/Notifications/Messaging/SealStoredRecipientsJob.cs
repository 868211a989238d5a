using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.BuildingBlocks.Privacy;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// Gives the delivery-log rows written before recipients were sealed what <see cref="MessageSender"/> now writes: the
/// recipient's HMAC and masked form, and — for a message about a person who still has a key — the recipient sealed with
/// that key. Hourly, in batches until none is left; idempotent (a row with its HMAC is not selected again). Rows the
/// retention period already masked, or an erasure blanked, are left alone, and a person without a live key (erased
/// before the people column existed) gets no new key: their address stays until the retention masks it.
/// </summary>
public sealed class SealStoredRecipientsJob(NpgsqlDataSource dataSource, PersonKeys keys, Recipients recipients, ILogger<SealStoredRecipientsJob> logger)
{
    private const int Batch = 500;

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Seal delivery-log recipients stored in clear")]
    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var total = 0;
        while (true)
        {
            var rows = new List<(Guid Id, string To, string? Person)>();
            await using (var select = dataSource.CreateCommand($"""
                SELECT m.id, m.to_address, CASE WHEN EXISTS (SELECT 1 FROM {PersonKeys.TableName} k WHERE k.subject = m.people[1] AND k.shredded_at IS NULL)
                                                THEN m.people[1] END
                FROM notifications.messages m
                WHERE m.to_key IS NULL AND m.to_address <> '' AND m.body_redacted <> '' AND m.to_address NOT LIKE '{PersonalDataSealing.Prefix}%'
                ORDER BY m.id LIMIT {Batch}
                """))
            await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
                }
            }
            foreach (var (id, to, person) in rows)
            {
                var address = person is null
                    ? to
                    : PersonalDataSealing.Prefix + Convert.ToBase64String(await keys.Seal(person, System.Text.Encoding.UTF8.GetBytes(to), cancellationToken));
                // Only the row as it was read: an erasure or the retention that reached it meanwhile wins.
                await using var update = dataSource.CreateCommand("""
                    UPDATE notifications.messages SET to_address = $2, to_key = $3, to_masked = $4
                    WHERE id = $1 AND to_address = $5 AND to_key IS NULL AND body_redacted <> ''
                    """);
                foreach (var value in new object[] { id, address, recipients.KeyOf(to), Mask.Recipient(to), to })
                {
                    update.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                total += await update.ExecuteNonQueryAsync(cancellationToken);
            }
            if (rows.Count < Batch)
            {
                break;
            }
        }
        if (total > 0)
        {
            logger.LogInformation("Delivery log: {Rows} recipients stored in clear given their HMAC (and sealed where their person has a key)", total);
        }
        return total;
    }
}

using System.Text.Json;
using Npgsql;

namespace VssId.Modules.Notifications.Messaging.Providers;

/// <summary>
/// The development provider: "delivers" into notifications.outbox, read by GET /api/dev/messages. It writes
/// in the send job's transaction with the message id as key, so it is exactly once.
/// </summary>
internal sealed class OutboxProvider(TimeProvider time) : ISmsProvider, IEmailProvider
{
    public async Task Deliver(OutgoingMessage message, NpgsqlConnection transaction, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            INSERT INTO notifications.outbox (id, channel, to_address, subject, body, attachments, created_at)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7) ON CONFLICT (id) DO NOTHING
            """, transaction)
        {
            Parameters =
            {
                new() { Value = message.MessageId },
                new() { Value = message.Channel },
                new() { Value = message.To },
                new() { Value = (object?)message.Subject ?? DBNull.Value },
                new() { Value = message.Body },
                new() { Value = JsonSerializer.Serialize(message.Attachments.Select(a => new { fileName = a.FileName, contentType = a.ContentType, size = a.Content.Length })) },
                new() { Value = time.GetUtcNow() },
            },
        };
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}

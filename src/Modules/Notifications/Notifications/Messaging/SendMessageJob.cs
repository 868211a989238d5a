using System.Text.Json;
using System.Transactions;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Messaging.Providers;

using VssId.BuildingBlocks.Transactions;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// Sends one accepted message. The message row is locked for the whole send, so a duplicate job (a
/// retry racing a redelivery) skips it; the outcome — Sent, or the error and the next try scheduled,
/// or Failed after the last try — commits with the row in one transaction.
/// </summary>
public sealed class SendMessageJob(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    IDataProtectionProvider protection,
    VssId.BuildingBlocks.Privacy.PersonKeys people,
    IServiceProvider services,
    IOptions<MessagingOptions> options,
    TimeProvider time,
    ILogger<SendMessageJob> logger)
{
    // Hangfire's own retries are off: the back-off is ours (configurable) and every try is recorded.
    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Send message {0}")]
    public async Task Run(Guid messageId, CancellationToken cancellationToken)
    {
        using var scope = AmbientTransaction.Begin(TransactionScopeOption.RequiresNew, TimeSpan.FromMinutes(2));
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            var message = await Lock(connection, messageId, cancellationToken);
            if (message is null)
            {
                // Sent or failed already, or another job holds it right now.
                scope.Complete();
                return;
            }
            var attempt = message.Attempts + 1;
            try
            {
                var outgoing = await Prepare(connection, messageId, message, cancellationToken);
                var provider = message.Channel == Channels.Sms
                    ? (IMessageProvider)services.GetRequiredService<ISmsProvider>()
                    : services.GetRequiredService<IEmailProvider>();
                await provider.Deliver(outgoing, connection, cancellationToken);
                await Record(connection, messageId, "Sent", attempt, null, message.Sensitive, Gsm7Segments(outgoing), null, cancellationToken);
                logger.LogInformation("Sent {Channel} {MessageId} ({Template}) to {To} on try {Attempt}",
                    message.Channel, messageId, message.Template, Mask.Recipient(outgoing.To), attempt);
            }
            catch (PersonErasedException)
            {
                // Its person was erased after it was written (the erasure marks their waiting messages; this is the race).
                await Record(connection, messageId, "Failed", attempt, "person erased", true, null, null, cancellationToken);
            }
            catch (AttachmentNotReadyException) when (message.CreatedAt > time.GetUtcNow() - TimeSpan.FromHours(1))
            {
                // The form is still being rendered (its job was enqueued with this one): look again
                // shortly, without spending one of the message's tries.
                await connection.CloseAsync();
                jobs.Schedule<SendMessageJob>(job => job.Run(messageId, CancellationToken.None), TimeSpan.FromSeconds(1));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var final = attempt >= options.Value.MaxAttempts;
                // Only the exception's type and message: provider errors never carry the body.
                var error = $"{ex.GetType().Name}: {ex.Message}";
                var delay = options.Value.RetryDelay(attempt);
                await Record(connection, messageId, final ? "Failed" : "Retrying", attempt, error[..Math.Min(error.Length, 500)], false, null,
                    final ? null : time.GetUtcNow() + delay, cancellationToken);
                await connection.CloseAsync();
                if (final)
                {
                    logger.LogError("Giving up {Channel} {MessageId} ({Template}) after {Attempt} tries: {Error}", message.Channel, messageId, message.Template, attempt, error);
                }
                else
                {
                    jobs.Schedule<SendMessageJob>(job => job.Run(messageId, CancellationToken.None), delay);
                    logger.LogWarning("Try {Attempt} of {Channel} {MessageId} failed ({Error}); next in {Delay}", attempt, message.Channel, messageId, error, delay);
                }
            }
            scope.Complete();
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    private sealed record LockedMessage(string Channel, string To, string Template, string? Subject, string? BodyProtected,
        string Attachments, bool Sensitive, int Attempts, DateTimeOffset CreatedAt);

    private sealed class AttachmentNotReadyException(Guid documentId) : Exception($"Attachment {documentId} is not rendered yet");

    private sealed class PersonErasedException() : Exception("The message's person was erased");

    private static async Task<LockedMessage?> Lock(NpgsqlConnection connection, Guid id, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand("""
            SELECT channel, to_address, template, subject, body_protected, attachments::text, sensitive, attempts, created_at
            FROM notifications.messages WHERE id = $1 AND status IN ('Pending', 'Retrying')
            FOR UPDATE SKIP LOCKED
            """, connection) { Parameters = { new() { Value = id } } };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new LockedMessage(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetString(5), reader.GetBoolean(6), reader.GetInt32(7),
            reader.GetFieldValue<DateTimeOffset>(8));
    }

    private async Task<OutgoingMessage> Prepare(NpgsqlConnection connection, Guid messageId, LockedMessage message, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Deserialize<StoredBody>(await MessageSender.Open(message.BodyProtected!, protection, people, cancellationToken)
            ?? throw new PersonErasedException())!;
        var attachments = new List<OutgoingAttachment>();
        foreach (var reference in JsonSerializer.Deserialize<List<EmailAttachmentRef>>(message.Attachments) ?? [])
        {
            await using var read = new NpgsqlCommand("SELECT content FROM notifications.documents WHERE id = $1 AND status = 'Ready'", connection)
            {
                Parameters = { new() { Value = reference.DocumentId } },
            };
            // Not rendered yet: this try fails and the next one finds it.
            var content = await read.ExecuteScalarAsync(cancellationToken) as byte[]
                ?? throw new AttachmentNotReadyException(reference.DocumentId);
            // A form whose person was erased since is not sent (the message goes without it).
            if (await people.Open(content, cancellationToken) is { } pdf)
            {
                attachments.Add(new OutgoingAttachment(reference.FileName, "application/pdf", pdf));
            }
        }
        var text = message.Channel == Channels.Sms ? Gsm7.Fold(body.Text) : body.Text;
        var to = await MessageSender.OpenAddress(message.To, people, cancellationToken) ?? throw new PersonErasedException();
        return new OutgoingMessage(messageId, message.Channel, to, message.Subject, text, body.Html, attachments);
    }

    private static int? Gsm7Segments(OutgoingMessage message) => message.Channel == Channels.Sms ? Gsm7.Segments(message.Body) : null;

    private async Task Record(NpgsqlConnection connection, Guid id, string status, int attempts, string? error, bool erase, int? segments,
        DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken)
    {
        await using var update = new NpgsqlCommand("""
            UPDATE notifications.messages
            SET status = $2, attempts = $3, last_error = $4,
                sent_at = CASE WHEN $2 = 'Sent' THEN $5 ELSE sent_at END,
                segments = COALESCE($6, segments),
                body_protected = CASE WHEN $7 THEN NULL ELSE body_protected END,
                next_attempt_at = $8
            WHERE id = $1
            """, connection)
        {
            Parameters =
            {
                new() { Value = id }, new() { Value = status }, new() { Value = attempts }, new() { Value = (object?)error ?? DBNull.Value },
                new() { Value = time.GetUtcNow() }, new() { Value = (object?)segments ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer },
                new() { Value = erase }, new() { Value = (object?)nextAttemptAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz },
            },
        };
        await update.ExecuteNonQueryAsync(cancellationToken);
    }
}

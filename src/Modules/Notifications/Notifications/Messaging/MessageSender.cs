using System.Text.Json;
using System.Transactions;
using Hangfire;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.Modules.Notifications.Contracts;

using VssId.BuildingBlocks.Transactions;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// Accepts a message: renders it, records it (body encrypted) and enqueues its send job in one
/// transaction — both or neither. A message about a person has its recipient and texts sealed with their key (so an
/// erasure reaches copies in backups too; <see cref="Recipients"/> finds a recipient's messages); one about nobody yet (a code to a typed-in phone) is protected by Data Protection. The primary key on the message id makes a second request with the
/// same id a no-op, so a redelivered event or a retried handler never sends twice.
/// </summary>
internal sealed class MessageSender(
    NpgsqlDataSource dataSource,
    IBackgroundJobClient jobs,
    IDataProtectionProvider protection,
    VssId.BuildingBlocks.Privacy.PersonKeys people,
    Recipients recipients,
    TimeProvider time,
    ILogger<MessageSender> logger) : IMessageSender
{
    public const string BodyPurpose = "VssId.Notifications.MessageBody";

    public Task<bool> SendSms(SmsRequest request, CancellationToken cancellationToken) =>
        Accept(request.MessageId, Channels.Sms, request.To, request.Template, Templates.RenderSms(request.Template, request.Parameters), [], request.People,
            cancellationToken);

    public Task<bool> SendEmail(EmailRequest request, CancellationToken cancellationToken) =>
        Accept(request.MessageId, Channels.Email, request.To, request.Template, Templates.RenderEmail(request.Template, request.Parameters),
            request.Attachments, request.People, cancellationToken);

    private async Task<bool> Accept(Guid messageId, string channel, string to, string template, RenderedMessage rendered,
        IReadOnlyList<EmailAttachmentRef> attachments, IReadOnlyList<string>? about, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new StoredBody(rendered.Body, rendered.HtmlBody));
        var (address, protectedBody, redactedBody) = about is [var owner, ..]
            ? (await Seal(owner, to, cancellationToken), await Seal(owner, body, cancellationToken), await Seal(owner, rendered.RedactedBody, cancellationToken))
            : (to, protection.CreateProtector(BodyPurpose).Protect(body), rendered.RedactedBody);
        using var scope = AmbientTransaction.Begin();
        int inserted;
        // Closed before Hangfire opens its own: inside the scope, the data source hands the same physical
        // connection back, so the insert and the enqueue commit together without a distributed transaction.
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO notifications.messages
                    (id, channel, to_address, template, subject, body_protected, body_redacted, attachments, sensitive, status, attempts, created_at, people,
                     to_key, to_masked)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, 'Pending', 0, $10, $11, $12, $13)
                ON CONFLICT (id) DO NOTHING
                """, connection)
            {
                Parameters =
                {
                    new() { Value = messageId }, new() { Value = channel }, new() { Value = address }, new() { Value = template },
                    new() { Value = (object?)rendered.Subject ?? DBNull.Value }, new() { Value = protectedBody },
                    new() { Value = redactedBody }, new() { Value = JsonSerializer.Serialize(attachments) },
                    new() { Value = rendered.Sensitive }, new() { Value = time.GetUtcNow() },
                    new() { Value = about is { Count: > 0 } ? about.Distinct(StringComparer.Ordinal).ToArray() : (object)DBNull.Value },
                    new() { Value = recipients.KeyOf(to) }, new() { Value = Mask.Recipient(to) },
                },
            };
            inserted = await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        if (inserted == 0)
        {
            scope.Complete();
            logger.LogInformation("Message {MessageId} ({Template}) was already accepted; not sent again", messageId, template);
            return false;
        }
        jobs.Enqueue<SendMessageJob>(job => job.Run(messageId, CancellationToken.None));
        scope.Complete();
        logger.LogInformation("Accepted {Channel} {MessageId} ({Template}) to {To}", channel, messageId, template, Mask.Recipient(to));
        return true;
    }

    private async Task<string> Seal(string person, string text, CancellationToken cancellationToken) =>
        VssId.BuildingBlocks.Privacy.PersonalDataSealing.Prefix
        + Convert.ToBase64String(await people.Seal(person, System.Text.Encoding.UTF8.GetBytes(text), cancellationToken));

    /// <summary>A stored recipient: opened with its person's key, or as stored (a message about nobody); null once its person was erased.</summary>
    public static async Task<string?> OpenAddress(string stored, VssId.BuildingBlocks.Privacy.PersonKeys people, CancellationToken cancellationToken) =>
        !stored.StartsWith(VssId.BuildingBlocks.Privacy.PersonalDataSealing.Prefix, StringComparison.Ordinal)
            ? stored
            : await OpenSealed(stored, people, cancellationToken);

    /// <summary>A stored body's JSON: opened with its person's key, or by Data Protection; null once its person was erased.</summary>
    public static async Task<string?> Open(string stored, IDataProtectionProvider protection, VssId.BuildingBlocks.Privacy.PersonKeys people,
        CancellationToken cancellationToken) =>
        !stored.StartsWith(VssId.BuildingBlocks.Privacy.PersonalDataSealing.Prefix, StringComparison.Ordinal)
            ? protection.CreateProtector(BodyPurpose).Unprotect(stored)
            : await OpenSealed(stored, people, cancellationToken);

    private static async Task<string?> OpenSealed(string stored, VssId.BuildingBlocks.Privacy.PersonKeys people, CancellationToken cancellationToken) =>
        await people.Open(Convert.FromBase64String(stored[VssId.BuildingBlocks.Privacy.PersonalDataSealing.Prefix.Length..]), cancellationToken) is { } opened
            ? System.Text.Encoding.UTF8.GetString(opened)
            : null;
}

internal static class Channels
{
    public const string Sms = "sms";
    public const string Email = "email";
}

internal sealed record StoredBody(string Text, string? Html);

/// <summary>Recipients as they may appear in logs.</summary>
internal static class Mask
{
    public static string Recipient(string to)
    {
        var at = to.IndexOf('@', StringComparison.Ordinal);
        if (at > 0)
        {
            return to[0] + "***" + to[at..];
        }
        return to.Length <= 5 ? "***" : to[..3] + new string('*', to.Length - 5) + to[^2..];
    }
}

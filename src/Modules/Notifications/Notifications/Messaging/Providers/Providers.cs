using Npgsql;

namespace VssId.Modules.Notifications.Messaging.Providers;

/// <summary>A message ready to leave: its id (passed to providers that deduplicate) and final text.</summary>
internal sealed record OutgoingMessage(
    Guid MessageId,
    string Channel,
    string To,
    string? Subject,
    string Body,
    string? HtmlBody,
    IReadOnlyList<OutgoingAttachment> Attachments);

internal sealed record OutgoingAttachment(string FileName, string ContentType, byte[] Content);

/// <summary>
/// Hands a message to the outside world. <paramref name="transaction"/> is the send job's own
/// connection, inside the transaction that records the message as sent: a provider that writes to
/// PostgreSQL (the outbox) is therefore exactly once; the others are at least once.
/// </summary>
internal interface IMessageProvider
{
    Task Deliver(OutgoingMessage message, NpgsqlConnection transaction, CancellationToken cancellationToken);
}

internal interface ISmsProvider : IMessageProvider;

internal interface IEmailProvider : IMessageProvider;

/// <summary>A failure the provider reported; retried with back-off.</summary>
internal sealed class ProviderException(string message) : Exception(message);

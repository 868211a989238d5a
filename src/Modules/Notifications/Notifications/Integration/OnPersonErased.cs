using Mediator;
using Npgsql;
using VssId.BuildingBlocks.Privacy;

namespace VssId.Modules.Notifications.Integration;

/// <summary>
/// An erased person's messages keep only that they were sent (channel, template, times, status): the address and every
/// text go at once rather than at the retention period, and a message still waiting to go out is not sent. Their forms
/// lose the name and masked identity number kept for verification. In the erasure's transaction, through the process's
/// one data source (ADR 16).
/// </summary>
public sealed class OnPersonErased(NpgsqlDataSource database) : INotificationHandler<PersonErased>
{
    public async ValueTask Handle(PersonErased notification, CancellationToken cancellationToken)
    {
        await using var blank = database.CreateCommand("""
            UPDATE notifications.messages SET to_address = '', to_key = NULL, to_masked = NULL, body_redacted = '', subject = NULL, body_protected = NULL,
                last_error = CASE WHEN status IN ('Pending', 'Retrying') THEN 'person erased' END,
                status = CASE WHEN status IN ('Pending', 'Retrying') THEN 'Failed' ELSE status END, next_attempt_at = NULL
            WHERE people @> ARRAY[$1::text]
            """);
        blank.Parameters.Add(new NpgsqlParameter { Value = notification.BhxhCode });
        await blank.ExecuteNonQueryAsync(cancellationToken);
        // Their forms: the PDF and the form are sealed with their key already; the name and masked number kept beside them
        // for the verification page go too.
        await using var forms = database.CreateCommand("UPDATE notifications.documents SET declarant_name = '', identity_masked = NULL WHERE subject = $1");
        forms.Parameters.Add(new NpgsqlParameter { Value = notification.BhxhCode });
        await forms.ExecuteNonQueryAsync(cancellationToken);
    }
}

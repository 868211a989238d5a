using System.Globalization;
using System.Text;
using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using VssId.Modules.Approval.Domain;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Approval.ReadModels;

/// <summary>
/// One narrow row per case, written inline with its events: the office queues (oldest first) page over it
/// with a keyset cursor, so a page costs the same at 100,000 cases as at 10.
/// </summary>
public sealed partial class CaseIndex : EventProjection
{
    public const string TableName = "approval.case_index";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<Guid>("application_id").NotNull();
        table.AddColumn("office_code", "text").NotNull();
        table.AddColumn("kind", "text").NotNull();
        table.AddColumn("status", "text").NotNull();
        table.AddColumn("application_number", "text").NotNull();
        table.AddColumn("full_name", "text").NotNull();
        table.AddColumn("submitted_at", "timestamp with time zone").NotNull();
        table.AddColumn("claimed_by", "text");
        table.AddColumn("claimed_until", "timestamp with time zone");
        table.AddColumn("decided_at", "timestamp with time zone");
        // Whose case it is (mã số BHXH): a queue page lists names, and each listing is in that person's access log.
        table.AddColumn("subject", "text");
        table.Indexes.Add(new IndexDefinition("ix_case_index_queue") { Columns = ["office_code", "status", "submitted_at", "id"] });
        table.Indexes.Add(new IndexDefinition("ix_case_index_number") { Columns = ["application_number"] });
        return table;
    }

    public CaseIndex() => Options.DeleteDataInTableOnTeardown(TableName);

    public void Project(IEvent<CaseOpened> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            INSERT INTO {TableName} (id, application_id, office_code, kind, status, application_number, full_name, submitted_at, subject)
            VALUES (?, ?, ?, ?, '{CaseStatus.Pending}', ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING
            """, e.StreamId, e.Data.ApplicationId, e.Data.OfficeCode, e.Data.Kind, e.Data.ApplicationNumber, e.Data.Declaration.FullName, e.Data.SubmittedAt,
            e.Data.Declaration.BhxhCode);

    public void Project(IEvent<CaseResubmitted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            UPDATE {TableName} SET status = '{CaseStatus.Pending}', office_code = ?, application_number = ?, full_name = ?, submitted_at = ?,
                claimed_by = NULL, claimed_until = NULL, decided_at = NULL, subject = ?
            WHERE id = ?
            """, e.Data.OfficeCode, e.Data.ApplicationNumber, e.Data.Declaration.FullName, e.Data.SubmittedAt, e.Data.Declaration.BhxhCode, e.StreamId);

    public void Project(IEvent<CaseClaimed> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET claimed_by = ?, claimed_until = ? WHERE id = ?", e.Data.Officer, e.Data.Until, e.StreamId);

    public void Project(IEvent<ReviewStarted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = '{CaseStatus.UnderReview}' WHERE id = ?", e.StreamId);

    public void Project(IEvent<CaseReleased> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET claimed_by = NULL, claimed_until = NULL WHERE id = ?", e.StreamId);

    public void Project(IEvent<CaseApproved> e, IDocumentOperations ops) => Decide(ops, e.StreamId, CaseStatus.Approved, e.Data.At);

    public void Project(IEvent<CaseRejected> e, IDocumentOperations ops) => Decide(ops, e.StreamId, CaseStatus.Rejected, e.Data.At);

    public void Project(IEvent<InformationRequested> e, IDocumentOperations ops) => Decide(ops, e.StreamId, CaseStatus.NeedsInformation, e.Data.At);

    private static void Decide(IDocumentOperations ops, Guid id, string status, DateTimeOffset at) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = ?, claimed_by = NULL, claimed_until = NULL, decided_at = ? WHERE id = ?", status, at, id);

    public sealed record Row(Guid Id, Guid ApplicationId, string Kind, string Status, string ApplicationNumber, string FullName, DateTimeOffset SubmittedAt,
        string? ClaimedBy, DateTimeOffset? ClaimedUntil, string? Subject = null);

    /// <summary>A page of an office's queue, oldest first, after <paramref name="after"/> (the last row of the previous page).</summary>
    public static async Task<IReadOnlyList<Row>> Page(NpgsqlDataSource database, string officeCode, IReadOnlyList<string> statuses, string? kind,
        string? applicationNumber, (DateTimeOffset SubmittedAt, Guid Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, application_id, kind, status, application_number, full_name, submitted_at, claimed_by, claimed_until, subject
            FROM {TableName}
            WHERE office_code = $1 AND status = ANY($2) AND ($3::text IS NULL OR kind = $3) AND ($4::text IS NULL OR application_number = $4)
              AND ($5::timestamptz IS NULL OR (submitted_at, id) > ($5, $6))
            ORDER BY submitted_at, id LIMIT $7
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = officeCode });
        command.Parameters.Add(new NpgsqlParameter { Value = statuses.ToArray() });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)applicationNumber ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after?.SubmittedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = after?.Id ?? Guid.Empty });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<DateTimeOffset>(8), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }
        return rows;
    }

    /// <summary>The opaque cursor after <paramref name="row"/>.</summary>
    public static string CursorAfter(Row row) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"{row.SubmittedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{row.Id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The position a cursor names, or null when it is not one of ours.</summary>
    public static (DateTimeOffset, Guid)? ReadCursor(string cursor)
    {
        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/').PadRight((cursor.Length + 3) / 4 * 4, '=')));
            var parts = text.Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks is > 0 and < 3155378975999999999 && Guid.TryParseExact(parts[1], "N", out var id)
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}

using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Audit;

/// <summary>Who read whose personal data: <see cref="Subject"/> is the person's mã số BHXH.</summary>
/// <param name="ReaderKind"><c>officer</c>, <c>school</c> or <c>client</c>.</param>
/// <param name="Reader">The staff user name or the client id (never shown to the person: <see cref="ReaderOffice"/> is).</param>
/// <param name="ReaderOffice">The office of an officer, the school of a school client.</param>
/// <param name="What">What was read: <c>case</c>, <c>photo:portrait</c>, <c>school-list</c>, <c>class-forms</c>.</param>
/// <param name="Reference">What it belongs to: an application number, a class.</param>
public sealed record PersonalDataRead(string Subject, string ReaderKind, string Reader, string? ReaderOffice, string What, string? Reference);

/// <summary>A recorded read as the person sees it.</summary>
public sealed record PersonalDataReadEntry(long Id, DateTimeOffset At, string ReaderKind, string? ReaderOffice, string What, string? Reference);

/// <summary>
/// The access log (issue 13 item 14, Decree 13/2023 art. 9: a person may know how their data was processed):
/// every read of a person's data by staff or a client, written in the same transaction as what the read
/// records beside it (a case's history) or before the data leaves the server, so no read goes unrecorded.
/// Append-only; a person reads their own rows at <c>GET /api/v1/account/me/access-log</c>.
/// </summary>
public static class PersonalDataReads
{
    public const string TableName = "audit.personal_data_reads";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn("at", "timestamp with time zone").NotNull();
        table.AddColumn("subject", "text").NotNull();
        table.AddColumn("reader_kind", "text").NotNull();
        table.AddColumn("reader", "text").NotNull();
        table.AddColumn("reader_office", "text");
        table.AddColumn("what", "text").NotNull();
        table.AddColumn("reference", "text");
        table.Indexes.Add(new IndexDefinition("ix_personal_data_reads_subject") { Columns = ["subject", "id"] });
        return table;
    }

    /// <summary>Queues the rows on <paramref name="session"/>: they commit with its other changes, or not at all.</summary>
    public static void Record(IDocumentSession session, DateTimeOffset at, IEnumerable<PersonalDataRead> reads)
    {
        foreach (var read in reads.DistinctBy(r => r.Subject))
        {
            session.QueueSqlCommand(
                $"INSERT INTO {TableName} (at, subject, reader_kind, reader, reader_office, what, reference) VALUES (?, ?, ?, ?, ?, ?, ?)",
                at, read.Subject, read.ReaderKind, read.Reader, (object?)read.ReaderOffice ?? DBNull.Value, read.What, (object?)read.Reference ?? DBNull.Value);
        }
    }

    /// <summary>Writes the rows now, in one statement (a school's page of a class: one row per person on it).</summary>
    public static async Task Record(NpgsqlDataSource database, DateTimeOffset at, IReadOnlyCollection<PersonalDataRead> reads, CancellationToken cancellationToken)
    {
        var distinct = reads.DistinctBy(r => r.Subject).ToArray();
        if (distinct.Length == 0)
        {
            return;
        }
        await using var insert = database.CreateCommand($"""
            INSERT INTO {TableName} (at, subject, reader_kind, reader, reader_office, what, reference)
            SELECT $1, s, $3, $4, $5, $6, $7 FROM unnest($2::text[]) AS s
            """);
        var first = distinct[0];
        insert.Parameters.Add(new NpgsqlParameter { Value = at });
        insert.Parameters.Add(new NpgsqlParameter { Value = distinct.Select(r => r.Subject).ToArray() });
        insert.Parameters.Add(new NpgsqlParameter { Value = first.ReaderKind });
        insert.Parameters.Add(new NpgsqlParameter { Value = first.Reader });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)first.ReaderOffice ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        insert.Parameters.Add(new NpgsqlParameter { Value = first.What });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)first.Reference ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The reads of <paramref name="subject"/>'s data, newest first, before <paramref name="beforeId"/> when paging.</summary>
    public static async Task<IReadOnlyList<PersonalDataReadEntry>> About(NpgsqlDataSource database, string subject, long? beforeId, int limit,
        CancellationToken cancellationToken)
    {
        await using var select = database.CreateCommand($"""
            SELECT id, at, reader_kind, reader_office, what, reference FROM {TableName}
            WHERE subject = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3
            """);
        select.Parameters.Add(new NpgsqlParameter { Value = subject });
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        select.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var entries = new List<PersonalDataReadEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new PersonalDataReadEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return entries;
    }
}

using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using Weasel.Postgresql.Tables;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.ReadModels;

/// <summary>
/// One narrow row per application, written inline in the transaction of its events: what the
/// module searches by (code, phone, status, inactivity) without the declaration. The applicant's own
/// view is the aggregate rebuilt from its few events; duplicating the whole declaration in a JSON
/// snapshot on every write cost a fifth of a start's CPU (ADR 0009, bench/run.sh registration).
/// The partial unique index is the rule "one submitted application per mã số BHXH": the submission
/// that commits second fails on it, whatever the timing. Phones are held as HMACs (<see cref="PhoneDigests"/>):
/// every lookup digests the phone it looks for.
/// </summary>
public sealed partial class ApplicationIndex : EventProjection
{
    public const string TableName = "registration.application_index";
    public const string OpenSubmissionIndex = "ux_application_index_open_submission";

    /// <summary>A draft whose current phone was never confirmed: it counts toward nobody's limit.</summary>
    public const string UnverifiedDraft = "status = 'Draft' AND verified_phone IS DISTINCT FROM phone";

    /// <summary>A draft whose current phone was confirmed by OTP: a phone holds at most 3.</summary>
    public const string VerifiedDraft = "status = 'Draft' AND verified_phone = phone";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("bhxh_code", "text").NotNull();
        // HMAC of the current phone (PhoneDigests), never the number.
        table.AddColumn("phone", "text").NotNull();
        // The phone last confirmed by OTP: the current phone is verified when they are equal (as in the aggregate).
        table.AddColumn("verified_phone", "text");
        table.AddColumn("status", "text").NotNull();
        // Submitted, UnderReview or NeedsInformation: holds the code.
        table.AddColumn("open_submission", "boolean").NotNull();
        // Draft or NeedsInformation: the applicant can still act, so it can expire.
        table.AddColumn("editable", "boolean").NotNull();
        table.AddColumn("office_code", "text");
        table.AddColumn("application_number", "text");
        table.AddColumn("submitted_at", "timestamp with time zone");
        table.AddColumn("last_activity_at", "timestamp with time zone").NotNull();
        // An unverified draft lives 24 hours from its start, however often it is edited (issue 13: a PUT
        // must not keep a stranger's phone blocked).
        table.AddColumn("started_at", "timestamp with time zone");
        // Every lookup by code (the status lookup names the phone too, erasure only the code). A phone is looked up
        // alone only to count the drafts that verified it, so its index holds verified drafts only: a start (never
        // verified) inserts no 44-character digest into a B-tree (bench/run.sh registration). The index is on
        // verified_phone: PostgreSQL rewrites "verified_phone = phone AND phone = $1" to "verified_phone = $1", which
        // proves this predicate but not one naming both columns.
        table.Indexes.Add(new IndexDefinition("ix_application_index_code") { Columns = ["bhxh_code"] });
        table.Indexes.Add(new IndexDefinition("ix_application_index_verified_phone")
        {
            Columns = ["verified_phone"], Predicate = "status = 'Draft' AND verified_phone IS NOT NULL",
        });
        table.Indexes.Add(new IndexDefinition(OpenSubmissionIndex) { Columns = ["bhxh_code"], IsUnique = true, Predicate = "open_submission" });
        table.Indexes.Add(new IndexDefinition("ix_application_index_expiry") { Columns = ["last_activity_at"], Predicate = "editable" });
        table.Indexes.Add(new IndexDefinition("ix_application_index_unverified") { Columns = ["started_at"], Predicate = UnverifiedDraft });
        return table;
    }

    // A rebuild empties the table first and applies every event again in order.
    private readonly PhoneDigests _phones;

    public ApplicationIndex(PhoneDigests phones)
    {
        _phones = phones;
        Options.DeleteDataInTableOnTeardown(TableName);
    }

    public void Project(IEvent<ApplicationStarted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            INSERT INTO {TableName} (id, bhxh_code, phone, status, open_submission, editable, last_activity_at, started_at)
            VALUES (?, ?, ?, '{ApplicationStatus.Draft}', false, true, ?, ?)
            """, e.StreamId, e.Data.Declaration.BhxhCode, _phones.Of(e.Data.Declaration.Phone), e.Data.At, e.Data.At);

    public void Project(IEvent<DeclarationReplaced> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET phone = ?, last_activity_at = ? WHERE id = ?", _phones.Of(e.Data.Declaration.Phone), e.Data.At, e.StreamId);

    public void Project(IEvent<PhoneVerified> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET verified_phone = ?, last_activity_at = ? WHERE id = ?", _phones.Of(e.Data.Phone), e.Data.At, e.StreamId);

    public void Project(IEvent<DocumentAttached> e, IDocumentOperations ops) => Touch(ops, e.StreamId, e.Data.At);

    public void Project(IEvent<ApplicationSubmitted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            UPDATE {TableName} SET status = '{ApplicationStatus.Submitted}', open_submission = true, editable = false,
                office_code = ?, application_number = ?, submitted_at = ?, last_activity_at = ?
            WHERE id = ?
            """, e.Data.OfficeCode, e.Data.ApplicationNumber, e.Data.At, e.Data.At, e.StreamId);

    public void Project(IEvent<ReviewStarted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = '{ApplicationStatus.UnderReview}' WHERE id = ?", e.StreamId);

    // Decided: the code is free again.
    public void Project(IEvent<ApplicationApproved> e, IDocumentOperations ops) => Close(ops, e.StreamId, ApplicationStatus.Approved, e.Data.At);

    public void Project(IEvent<ApplicationRejected> e, IDocumentOperations ops) => Close(ops, e.StreamId, ApplicationStatus.Rejected, e.Data.At);

    // Still holds the code (an open submission), and editable again, so it can expire.
    public void Project(IEvent<InformationRequested> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = '{ApplicationStatus.NeedsInformation}', editable = true, last_activity_at = ? WHERE id = ?",
            e.Data.At, e.StreamId);

    public void Project(IEvent<ApplicationWithdrawn> e, IDocumentOperations ops) => Close(ops, e.StreamId, ApplicationStatus.Withdrawn, e.Data.At);

    public void Project(IEvent<ApplicationExpired> e, IDocumentOperations ops) => Close(ops, e.StreamId, ApplicationStatus.Expired, e.Data.At);

    private static void Touch(IDocumentOperations ops, Guid id, DateTimeOffset at) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET last_activity_at = ? WHERE id = ?", at, id);

    private static void Close(IDocumentOperations ops, Guid id, string status, DateTimeOffset at) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = ?, open_submission = false, editable = false, last_activity_at = ? WHERE id = ?",
            status, at, id);

    /// <summary>Whether <paramref name="bhxhCode"/> has an application in an office's hands.</summary>
    public static async Task<bool> HasOpenSubmission(NpgsqlDataSource database, string bhxhCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {TableName} WHERE bhxh_code = $1 AND open_submission)");
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCode });
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public static async Task<IReadOnlySet<string>> WithOpenSubmission(NpgsqlDataSource database, IReadOnlyCollection<string> bhxhCodes,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT DISTINCT bhxh_code FROM {TableName} WHERE bhxh_code = ANY($1) AND open_submission");
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCodes.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            codes.Add(reader.GetString(0));
        }
        return codes;
    }

    /// <summary>How many open drafts have verified the phone whose digest is <paramref name="phone"/>, leaving out <paramref name="except"/>.</summary>
    public static async Task<long> VerifiedDraftsOf(NpgsqlDataSource database, string phone, Guid except, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT count(*) FROM {TableName} WHERE phone = $1 AND {VerifiedDraft} AND id <> $2");
        command.Parameters.Add(new NpgsqlParameter { Value = phone });
        command.Parameters.Add(new NpgsqlParameter { Value = except });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public sealed record Entry(Guid Id, string Status, bool PhoneVerified, string? OfficeCode, string? ApplicationNumber,
        DateTimeOffset? SubmittedAt, DateTimeOffset LastActivityAt);

    /// <summary>The applications of one mã số BHXH declared with one phone (<paramref name="phone"/>: its digest), most recently active first.</summary>
    public static async Task<IReadOnlyList<Entry>> ForCodeAndPhone(NpgsqlDataSource database, string bhxhCode, string phone, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, status, verified_phone IS NOT DISTINCT FROM phone, office_code, application_number, submitted_at, last_activity_at
            FROM {TableName} WHERE phone = $1 AND bhxh_code = $2 ORDER BY last_activity_at DESC
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = phone });
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCode });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<Entry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new Entry(reader.GetGuid(0), reader.GetString(1), reader.GetBoolean(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5), reader.GetFieldValue<DateTimeOffset>(6)));
        }
        return entries;
    }

    /// <summary>
    /// Applications that may have expired: editable and left alone since <paramref name="inactiveCutoff"/>, or
    /// drafts never verified and started before <paramref name="unverifiedCutoff"/> (the aggregate decides).
    /// </summary>
    public static async Task<IReadOnlyList<Guid>> ExpiryCandidates(NpgsqlDataSource database, DateTimeOffset inactiveCutoff, DateTimeOffset unverifiedCutoff,
        int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            (SELECT id FROM {TableName} WHERE editable AND last_activity_at < $1 ORDER BY last_activity_at LIMIT $3)
            UNION
            (SELECT id FROM {TableName} WHERE {UnverifiedDraft} AND started_at < $2 ORDER BY started_at LIMIT $3)
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = inactiveCutoff });
        command.Parameters.Add(new NpgsqlParameter { Value = unverifiedCutoff });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        return ids;
    }
}

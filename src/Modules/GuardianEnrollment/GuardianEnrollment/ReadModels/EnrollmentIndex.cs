using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using VssId.Modules.GuardianEnrollment.Domain;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.GuardianEnrollment.ReadModels;

/// <summary>
/// One narrow row per enrolment, written inline in the transaction of its events: the guardian's list, the
/// start checks (children per guardian, an open enrolment of the child) and the submission race. The
/// partial unique index is the rule "one enrolment in the office's hands per child": of two guardians
/// submitting the same child at once, the one whose transaction commits second fails on it.
/// </summary>
public sealed partial class EnrollmentIndex : EventProjection
{
    public const string TableName = "enrollment.enrollment_index";
    public const string OpenSubmissionIndex = "ux_enrollment_index_open_submission";

    /// <summary>The enrolments that count as one of the guardian's children: every one not rejected.</summary>
    public const string CountsAsChild = "status <> 'Rejected'";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn<Guid>("guardian_account").NotNull();
        table.AddColumn("child_bhxh_code", "text").NotNull();
        table.AddColumn("child_full_name", "text").NotNull();
        table.AddColumn("status", "text").NotNull();
        // Submitted, UnderReview or NeedsInformation: the office holds it, and it holds the child's code.
        table.AddColumn("open_submission", "boolean").NotNull();
        table.AddColumn("office_code", "text").NotNull();
        table.AddColumn("application_number", "text");
        table.AddColumn("started_at", "timestamp with time zone").NotNull();
        table.AddColumn("submitted_at", "timestamp with time zone");
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_guardian") { Columns = ["guardian_account", "id"] });
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_child") { Columns = ["child_bhxh_code"] });
        table.Indexes.Add(new IndexDefinition(OpenSubmissionIndex) { Columns = ["child_bhxh_code"], IsUnique = true, Predicate = "open_submission" });
        return table;
    }

    // A rebuild empties the table first and applies every event again in order.
    public EnrollmentIndex() => Options.DeleteDataInTableOnTeardown(TableName);

    public void Project(IEvent<EnrollmentStarted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            INSERT INTO {TableName} (id, guardian_account, child_bhxh_code, child_full_name, status, open_submission, office_code, started_at)
            VALUES (?, ?, ?, ?, ?, false, ?, ?)
            """, e.StreamId, e.Data.Guardian.AccountId, e.Data.Child.BhxhCode, e.Data.Child.FullName,
            e.Data.Origin == EnrollmentOrigins.School ? EnrollmentStatus.AwaitingGuardianConsent : EnrollmentStatus.Draft, e.Data.OfficeCode, e.Data.At);

    public void Project(IEvent<EnrollmentSubmitted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            UPDATE {TableName} SET status = '{EnrollmentStatus.Submitted}', open_submission = true, office_code = ?, application_number = ?, submitted_at = ?
            WHERE id = ?
            """, e.Data.OfficeCode, e.Data.ApplicationNumber, e.Data.At, e.StreamId);

    public void Project(IEvent<EnrollmentReviewStarted> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.UnderReview, true);

    // Decided: the child's code is free again (an approved child has an account from now on).
    public void Project(IEvent<EnrollmentApproved> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Approved, false);

    public void Project(IEvent<EnrollmentRejected> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Rejected, false);

    // Still in the office's hands (the guardian fixes it and submits again to the same case).
    public void Project(IEvent<EnrollmentInformationRequested> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.NeedsInformation, true);

    private static void Status(IDocumentOperations ops, Guid id, string status, bool open) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = ?, open_submission = ? WHERE id = ?", status, open, id);

    public sealed record Row(Guid Id, string ChildBhxhCode, string ChildFullName, string Status, string OfficeCode, string? ApplicationNumber,
        DateTimeOffset StartedAt, DateTimeOffset? SubmittedAt);

    /// <summary>A guardian's enrolments, newest first (ids are time-ordered), after <paramref name="before"/> when paging.</summary>
    public static async Task<IReadOnlyList<Row>> OfGuardian(NpgsqlDataSource database, Guid guardian, Guid? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, child_bhxh_code, child_full_name, status, office_code, application_number, started_at, submitted_at
            FROM {TableName} WHERE guardian_account = $1 AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = guardian });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<Row>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6),
                reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return rows;
    }
}

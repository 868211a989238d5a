using JasperFx.Events;
using Marten;
using Marten.Events.Projections;
using Npgsql;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Privacy;
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

    /// <summary>The enrolments that count as one of the guardian's children: every one neither rejected, expired nor withdrawn.</summary>
    public const string CountsAsChild = "status NOT IN ('Rejected', 'Expired', 'Withdrawn')";

    /// <summary>
    /// One live enrolment per child in a school's class: a roster sent twice finds its rows here (and two sent at
    /// once collide on it); a rejected or expired one may be sent again.
    /// </summary>
    public const string SchoolClassChildIndex = "ux_enrollment_index_school_class_child";

    private const string LiveSchoolEnrollment = "status NOT IN ('Rejected', 'Expired')";

    private const string Editable = $"status IN ('{EnrollmentStatus.Draft}', '{EnrollmentStatus.NeedsInformation}')";

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
        // The aggregate's LastActivityAt (start, photo, submission, request for information): the expiry job's candidates.
        // Rows from before the column existed take the migration's time, so they expire no earlier than they should.
        table.AddColumn("last_activity_at", "timestamp with time zone").NotNull().DefaultValueByExpression("now()");
        // The guardian as the enrolment names them (a school's row may name one without an account: account id empty).
        table.AddColumn("guardian_bhxh_code", "text");
        // The guardian's mobile as an HMAC (PhoneDigests) to count and find by, and masked ("091****678") to show a school.
        table.AddColumn("guardian_phone", "text");
        table.AddColumn("guardian_phone_masked", "text");
        table.AddColumn("relationship", "text");
        table.AddColumn("child_date_of_birth", "date");
        // A school's enrolment: its school and class, how consent was given, when the signed Mẫu 01 came back.
        table.AddColumn("school_code", "text");
        table.AddColumn("class_code", "text");
        table.AddColumn("consent_channel", "text");
        table.AddColumn("form_received_at", "timestamp with time zone");
        table.Indexes.Add(new IndexDefinition(SchoolClassChildIndex)
        {
            Columns = ["school_code", "class_code", "child_bhxh_code"], IsUnique = true, Predicate = $"school_code IS NOT NULL AND {LiveSchoolEnrollment}",
        });
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_guardian_phone") { Columns = ["guardian_phone"], Predicate = "school_code IS NOT NULL" });
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_guardian") { Columns = ["guardian_account", "id"] });
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_child") { Columns = ["child_bhxh_code"] });
        table.Indexes.Add(new IndexDefinition(OpenSubmissionIndex) { Columns = ["child_bhxh_code"], IsUnique = true, Predicate = "open_submission" });
        table.Indexes.Add(new IndexDefinition("ix_enrollment_index_editable") { Columns = ["last_activity_at"], Predicate = Editable });
        return table;
    }

    // A rebuild empties the table first and applies every event again in order.
    private readonly PhoneDigests _phones;

    public EnrollmentIndex(PhoneDigests phones)
    {
        _phones = phones;
        Options.DeleteDataInTableOnTeardown(TableName);
    }

    public void Project(IEvent<EnrollmentStarted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            INSERT INTO {TableName} (id, guardian_account, child_bhxh_code, child_full_name, status, open_submission, office_code, started_at, last_activity_at,
                guardian_bhxh_code, guardian_phone, guardian_phone_masked, relationship, child_date_of_birth, school_code, class_code)
            VALUES (?, ?, ?, ?, ?, false, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, e.StreamId, e.Data.Guardian.AccountId, e.Data.Child.BhxhCode, e.Data.Child.FullName,
            e.Data.Origin == EnrollmentOrigins.School ? EnrollmentStatus.AwaitingGuardianConsent : EnrollmentStatus.Draft, e.Data.OfficeCode, e.Data.At, e.Data.At,
            e.Data.Guardian.BhxhCode, _phones.Of(e.Data.Guardian.Phone), Masking.Middle(e.Data.Guardian.Phone), e.Data.Relationship, e.Data.Child.DateOfBirth,
            (object?)e.Data.School?.SchoolCode ?? DBNull.Value, (object?)e.Data.School?.ClassCode ?? DBNull.Value);

    public void Project(IEvent<EnrollmentConsented> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET consent_channel = ? WHERE id = ?", e.Data.Channel, e.StreamId);

    public void Project(IEvent<EnrollmentExpired> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Expired, false);

    // No longer editable, so the expiry job passes it by; only a guardian's draft is withdrawn, never a school's.
    public void Project(IEvent<EnrollmentWithdrawn> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Withdrawn, false);

    public void Project(IEvent<EnrollmentDocumentAttached> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET last_activity_at = ? WHERE id = ?", e.Data.At, e.StreamId);

    public void Project(IEvent<EnrollmentFormReceived> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET form_received_at = ? WHERE id = ?", e.Data.At, e.StreamId);

    public void Project(IEvent<EnrollmentSubmitted> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"""
            UPDATE {TableName} SET status = '{EnrollmentStatus.Submitted}', open_submission = true, office_code = ?, application_number = ?, submitted_at = ?,
                last_activity_at = ?
            WHERE id = ?
            """, e.Data.OfficeCode, e.Data.ApplicationNumber, e.Data.At, e.Data.At, e.StreamId);

    public void Project(IEvent<EnrollmentReviewStarted> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.UnderReview, true);

    // Decided: the child's code is free again (an approved child has an account from now on).
    public void Project(IEvent<EnrollmentApproved> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Approved, false);

    public void Project(IEvent<EnrollmentRejected> e, IDocumentOperations ops) => Status(ops, e.StreamId, EnrollmentStatus.Rejected, false);

    // Still in the office's hands (the guardian fixes it and submits again to the same case).
    public void Project(IEvent<EnrollmentInformationRequested> e, IDocumentOperations ops) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = ?, open_submission = true, last_activity_at = ? WHERE id = ?",
            EnrollmentStatus.NeedsInformation, e.Data.At, e.StreamId);

    private static void Status(IDocumentOperations ops, Guid id, string status, bool open) =>
        ops.QueueSqlCommand($"UPDATE {TableName} SET status = ?, open_submission = ? WHERE id = ?", status, open, id);

    public sealed record Row(Guid Id, string ChildBhxhCode, string ChildFullName, string Status, string OfficeCode, string? ApplicationNumber,
        DateTimeOffset StartedAt, DateTimeOffset? SubmittedAt);

    /// <summary>
    /// A guardian's enrolments, newest first (ids are time-ordered), after <paramref name="before"/> when paging: their
    /// own but the drafts they withdrew, and a school's that named their mã số BHXH before they had an account.
    /// </summary>
    public static async Task<IReadOnlyList<Row>> OfGuardian(NpgsqlDataSource database, Guid guardian, string? guardianBhxhCode, Guid? before, int limit,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, child_bhxh_code, child_full_name, status, office_code, application_number, started_at, submitted_at
            FROM {TableName} WHERE (guardian_account = $1 OR (guardian_account = '{Guid.Empty}' AND guardian_bhxh_code = $4))
                AND status <> '{EnrollmentStatus.Withdrawn}' AND ($2::uuid IS NULL OR id < $2) ORDER BY id DESC LIMIT $3
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = guardian });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)before ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)guardianBhxhCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
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
    /// <summary>How many school enrolments wait for consent at each of <paramref name="phones"/> (digests; each sent its SMS there).</summary>
    public static async Task<Dictionary<string, int>> WaitingPerPhone(NpgsqlDataSource database, IReadOnlyCollection<string> phones,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT guardian_phone, count(*) FROM {TableName}
            WHERE guardian_phone = ANY($1) AND school_code IS NOT NULL AND status = '{EnrollmentStatus.AwaitingGuardianConsent}'
            GROUP BY guardian_phone
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = phones.Distinct().ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts[reader.GetString(0)] = (int)reader.GetInt64(1);
        }
        return counts;
    }

    /// <summary>A school's enrolments waiting at the phone whose digest is <paramref name="phone"/> (or lapsed there: their code answers "expired").</summary>
    public static async Task<IReadOnlyList<(Guid Id, string Status)>> WaitingAtPhone(NpgsqlDataSource database, string phone, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, status FROM {TableName} WHERE guardian_phone = $1 AND school_code IS NOT NULL
                AND status IN ('{EnrollmentStatus.AwaitingGuardianConsent}', '{EnrollmentStatus.Expired}')
            ORDER BY id LIMIT 200
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = phone });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<(Guid, string)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((reader.GetGuid(0), reader.GetString(1)));
        }
        return rows;
    }

    /// <summary>What a roster needs to know of its children's existing enrolments: in this class (resent rows), or elsewhere and live.</summary>
    public sealed record ChildEnrollment(Guid Id, string ChildBhxhCode, string Status, bool OpenSubmission, string? SchoolCode, string? ClassCode);

    public static async Task<IReadOnlyList<ChildEnrollment>> OfChildren(NpgsqlDataSource database, IReadOnlyCollection<string> childCodes,
        CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, child_bhxh_code, status, open_submission, school_code, class_code FROM {TableName}
            WHERE child_bhxh_code = ANY($1) AND {LiveSchoolEnrollment}
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = childCodes.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<ChildEnrollment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ChildEnrollment(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetBoolean(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5)));
        }
        return rows;
    }

    /// <summary>A row of a school's class list (the guardian's mobile masked, the codes masked by the caller).</summary>
    public sealed record SchoolRow(Guid Id, string ClassCode, string ChildBhxhCode, string ChildFullName, DateOnly? ChildDateOfBirth, string Relationship,
        string GuardianBhxhCode, string GuardianPhone, string Status, string? ApplicationNumber, DateTimeOffset StartedAt, DateTimeOffset? FormReceivedAt);

    /// <summary>A school's enrolments by class, child name, id; keyset-paged after the row <paramref name="after"/>.</summary>
    public static async Task<IReadOnlyList<SchoolRow>> OfSchool(NpgsqlDataSource database, string school, string? classCode, string? status,
        Guid? after, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, class_code, child_bhxh_code, child_full_name, child_date_of_birth, coalesce(relationship, ''), coalesce(guardian_bhxh_code, ''),
                coalesce(guardian_phone_masked, ''), status, application_number, started_at, form_received_at
            FROM {TableName}
            WHERE school_code = $1 AND ($2::text IS NULL OR class_code = $2) AND ($3::text IS NULL OR status = $3)
                AND ($4::uuid IS NULL OR (class_code, child_full_name, id) > (SELECT class_code, child_full_name, id FROM {TableName} WHERE id = $4))
            ORDER BY class_code, child_full_name, id LIMIT $5
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = school });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)classCode ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)after ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        command.Parameters.Add(new NpgsqlParameter { Value = limit });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<SchoolRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new SchoolRow(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.GetString(5), reader.GetString(6), reader.GetString(7), reader.GetString(8),
                reader.IsDBNull(9) ? null : reader.GetString(9), reader.GetFieldValue<DateTimeOffset>(10),
                reader.IsDBNull(11) ? null : reader.GetFieldValue<DateTimeOffset>(11)));
        }
        return rows;
    }

    /// <summary>A class's counts: by status, and signed forms received.</summary>
    public sealed record ClassFigures(string ClassCode, IReadOnlyDictionary<string, int> ByStatus, int FormsReceived);

    public static async Task<IReadOnlyList<ClassFigures>> FiguresOfSchool(NpgsqlDataSource database, string school, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT class_code, status, count(*)::int, count(form_received_at)::int FROM {TableName}
            WHERE school_code = $1 GROUP BY class_code, status ORDER BY class_code, status
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = school });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var figures = new List<ClassFigures>();
        Dictionary<string, int>? byStatus = null;
        string? current = null;
        var received = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var classCode = reader.GetString(0);
            if (classCode != current)
            {
                if (current is not null)
                {
                    figures.Add(new ClassFigures(current, byStatus!, received));
                }
                (current, byStatus, received) = (classCode, new Dictionary<string, int>(), 0);
            }
            byStatus![reader.GetString(1)] = reader.GetInt32(2);
            received += reader.GetInt32(3);
        }
        if (current is not null)
        {
            figures.Add(new ClassFigures(current, byStatus!, received));
        }
        return figures;
    }

    /// <summary>The enrolments of a class that have a Mẫu 01 to sign (a number, not rejected), in the order of the class list; null when the class has no enrolment at all.</summary>
    public static async Task<IReadOnlyList<ClassForm>?> FormsOfClass(NpgsqlDataSource database, string school,
        string classCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            SELECT id, child_full_name, CASE WHEN status <> '{EnrollmentStatus.Rejected}' THEN application_number END, child_bhxh_code, guardian_bhxh_code
            FROM {TableName} WHERE school_code = $1 AND class_code = $2
            ORDER BY child_full_name, id
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = school });
        command.Parameters.Add(new NpgsqlParameter { Value = classCode });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var forms = new List<ClassForm>();
        var any = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            any = true;
            if (!reader.IsDBNull(2))
            {
                forms.Add(new ClassForm(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4)));
            }
        }
        return any ? forms : null;
    }

    /// <summary>School enrolments still waiting after <paramref name="startedBefore"/>: the expiry job's next batch.</summary>
    public static Task<IReadOnlyList<Guid>> WaitingSince(NpgsqlDataSource database, DateTimeOffset startedBefore, int limit, CancellationToken cancellationToken) =>
        Ids(database, $"SELECT id FROM {TableName} WHERE status = '{EnrollmentStatus.AwaitingGuardianConsent}' AND started_at < $1 ORDER BY started_at LIMIT $2",
            startedBefore, limit, cancellationToken);

    /// <summary>Drafts and enrolments waiting for information without activity since <paramref name="activeBefore"/>: the expiry job's next batch.</summary>
    public static Task<IReadOnlyList<Guid>> InactiveSince(NpgsqlDataSource database, DateTimeOffset activeBefore, int limit, CancellationToken cancellationToken) =>
        Ids(database, $"SELECT id FROM {TableName} WHERE {Editable} AND last_activity_at < $1 ORDER BY last_activity_at LIMIT $2",
            activeBefore, limit, cancellationToken);

    private static async Task<IReadOnlyList<Guid>> Ids(NpgsqlDataSource database, string sql, DateTimeOffset before, int limit, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = before });
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

/// <summary>A form of a class's archive, with the codes of the people it shows (for the access log).</summary>
public sealed record ClassForm(Guid Id, string ChildFullName, string ApplicationNumber, string ChildBhxhCode, string? GuardianBhxhCode);

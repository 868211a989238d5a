using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Credentials.Audit;

/// <summary>One recorded action: who, when, what, on what, from where. Never a password, OTP or token.</summary>
public sealed record AuditEntry(string Actor, string Action, string? Target, bool Succeeded, string? Client, string? Address, string? Detail);

/// <summary>A recorded action as an administrator reads it.</summary>
public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string Action, string? Target, bool Succeeded, string? Client, string? Address, string? Detail);

/// <summary>
/// The identity audit trail (<c>credentials.audit_entries</c>): logins, locks, password changes, staff and
/// client changes. Append-only; written beside the change it records, read by administrators.
/// </summary>
public sealed class AuditTrail(NpgsqlDataSource database, TimeProvider time) : VssId.BuildingBlocks.Audit.IAdministrativeAudit
{
    public const string TableName = "credentials.audit_entries";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        table.AddColumn("at", "timestamp with time zone").NotNull();
        table.AddColumn("actor", "text").NotNull();
        table.AddColumn("action", "text").NotNull();
        table.AddColumn("target", "text");
        table.AddColumn("succeeded", "boolean").NotNull();
        table.AddColumn("client", "text");
        table.AddColumn("address", "text");
        table.AddColumn("detail", "text");
        table.Indexes.Add(new IndexDefinition("ix_audit_entries_actor") { Columns = ["actor", "id"] });
        table.Indexes.Add(new IndexDefinition("ix_audit_entries_target") { Columns = ["target", "id"] });
        return table;
    }

    public async Task Record(AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var insert = database.CreateCommand(
            $"INSERT INTO {TableName} (at, actor, action, target, succeeded, client, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
        insert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        insert.Parameters.Add(new NpgsqlParameter { Value = entry.Actor });
        insert.Parameters.Add(new NpgsqlParameter { Value = entry.Action });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Target ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { Value = entry.Succeeded });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Client ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Address ?? DBNull.Value });
        insert.Parameters.Add(new NpgsqlParameter { Value = (object?)entry.Detail ?? DBNull.Value });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Another module's administrative action (<see cref="VssId.BuildingBlocks.Audit.AdministrativeActions"/>): it succeeded.</summary>
    Task VssId.BuildingBlocks.Audit.IAdministrativeAudit.Record(string actor, string action, string? target, string? detail, CancellationToken cancellationToken) =>
        Record(new AuditEntry(actor, action, target, true, null, null, detail), cancellationToken);

    /// <summary>Newest first, after <paramref name="beforeId"/> when paging; filtered by actor or target (either matches).</summary>
    public async Task<IReadOnlyList<AuditRecord>> Read(string? who, long? beforeId, int limit, CancellationToken cancellationToken)
    {
        await using var select = database.CreateCommand($"""
            SELECT id, at, actor, action, target, succeeded, client, address, detail FROM {TableName}
            WHERE ($1::text IS NULL OR actor = $1 OR target = $1) AND ($2::bigint IS NULL OR id < $2)
            ORDER BY id DESC LIMIT $3
            """);
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)who ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        select.Parameters.Add(new NpgsqlParameter { Value = (object?)beforeId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        select.Parameters.Add(new NpgsqlParameter { Value = limit });
        var records = new List<AuditRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new AuditRecord(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetBoolean(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return records;
    }
}

/// <summary>The actions the trail records (stable names an administrator filters on).</summary>
public static class AuditActions
{
    public const string Login = "login";
    public const string LoginRefused = "login.refused";
    public const string Locked = "account.locked";
    public const string PasswordChanged = "password.changed";
    public const string PasswordReset = "password.reset";
    public const string RefreshReuse = "refresh.reuse_detected";
    public const string TokenRevoked = "token.revoked";
    public const string AccountIssued = "account.issued";
    public const string StaffCreated = "staff.created";
    public const string StaffDisabled = "staff.disabled";
    public const string PersonErased = "person.erased";
    public const string ClientCreated = "client.created";
    public const string ClientRevoked = "client.revoked";
    public const string SmartOtpEnabled = "smart_otp.enabled";
    public const string SmartOtpDisabled = "smart_otp.disabled";
}

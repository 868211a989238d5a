using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Approval.ReadModels;

/// <summary>Per-office review settings (<c>approval.office_settings</c>); an office without a row has the defaults.</summary>
public static class OfficeSettings
{
    public const string TableName = "approval.office_settings";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("office_code", "text").AsPrimaryKey();
        table.AddColumn("auto_approval", "boolean").NotNull();
        table.AddColumn("updated_by", "text").NotNull();
        table.AddColumn("updated_at", "timestamp with time zone").NotNull();
        return table;
    }

    public static async Task<bool> AutoApproval(NpgsqlDataSource database, string officeCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT auto_approval FROM {TableName} WHERE office_code = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = officeCode });
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public static async Task Set(NpgsqlDataSource database, string officeCode, bool autoApproval, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"""
            INSERT INTO {TableName} (office_code, auto_approval, updated_by, updated_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (office_code) DO UPDATE SET auto_approval = excluded.auto_approval, updated_by = excluded.updated_by, updated_at = excluded.updated_at
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = officeCode });
        command.Parameters.Add(new NpgsqlParameter { Value = autoApproval });
        command.Parameters.Add(new NpgsqlParameter { Value = by });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

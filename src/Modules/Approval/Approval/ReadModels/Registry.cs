using System.Globalization;
using System.Text;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Approval.ReadModels;

/// <summary>A person of the insured-person registry (imported by administrators).</summary>
public sealed record RegistryPerson(string BhxhCode, string FullName, DateOnly DateOfBirth, string Gender);

/// <summary>
/// The insured-person registry (<c>approval.registry</c>): one row per mã số BHXH, imported from CSV
/// (idempotent by code). Reviewers see each declaration checked against it; offices may auto-approve exact matches.
/// </summary>
public static class Registry
{
    public const string TableName = "approval.registry";

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn("bhxh_code", "text").AsPrimaryKey();
        table.AddColumn("full_name", "text").NotNull();
        table.AddColumn("date_of_birth", "date").NotNull();
        table.AddColumn("gender", "text").NotNull();
        table.AddColumn("updated_at", "timestamp with time zone").NotNull();
        return table;
    }

    public static async Task<RegistryPerson?> Find(NpgsqlDataSource database, string bhxhCode, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"SELECT bhxh_code, full_name, date_of_birth, gender FROM {TableName} WHERE bhxh_code = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = bhxhCode });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RegistryPerson(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateOnly>(2), reader.GetString(3))
            : null;
    }

    /// <summary>
    /// Inserts or updates <paramref name="people"/> in one transaction; answers how many were new and how many
    /// changed (a row identical to the stored one counts as neither: importing a file twice changes nothing).
    /// </summary>
    public static async Task<(int Imported, int Updated)> Upsert(NpgsqlDataSource database, IReadOnlyList<RegistryPerson> people, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        int imported = 0, updated = 0;
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var person in people)
        {
            await using var upsert = new NpgsqlCommand($"""
                INSERT INTO {TableName} AS r (bhxh_code, full_name, date_of_birth, gender, updated_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (bhxh_code) DO UPDATE SET full_name = excluded.full_name, date_of_birth = excluded.date_of_birth, gender = excluded.gender,
                    updated_at = excluded.updated_at
                WHERE (r.full_name, r.date_of_birth, r.gender) IS DISTINCT FROM (excluded.full_name, excluded.date_of_birth, excluded.gender)
                RETURNING (xmax = 0)
                """, connection, transaction)
            {
                Parameters =
                {
                    new() { Value = person.BhxhCode }, new() { Value = person.FullName }, new() { Value = person.DateOfBirth },
                    new() { Value = person.Gender }, new() { Value = now },
                },
            };
            var result = await upsert.ExecuteScalarAsync(cancellationToken);
            if (result is true)
            {
                imported++;
            }
            else if (result is false)
            {
                updated++;
            }
        }
        await transaction.CommitAsync(cancellationToken);
        return (imported, updated);
    }

    /// <summary>A name as compared with the registry: no diacritics, đ as d, one space, lower case.</summary>
    public static string Comparable(string name)
    {
        var decomposed = name.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }
            builder.Append(c is 'đ' or 'Đ' ? 'd' : char.ToLowerInvariant(c));
        }
        return string.Join(' ', builder.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}

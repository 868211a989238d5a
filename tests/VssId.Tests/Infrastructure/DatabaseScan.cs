namespace VssId.Tests.Infrastructure;

/// <summary>Looks through the whole database for data that should not be there in clear.</summary>
public static class DatabaseScan
{
    /// <summary>
    /// Every column ("schema.table.column") of every table whose text (or bytes) holds <paramref name="secret"/> in clear, but
    /// the development outbox's: the SMS gateway's stand-in in Development keeps what it was given, by design.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ClearCopies(string connectionString, string secret)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var list = new Npgsql.NpgsqlCommand("""
            SELECT format('%I.%I', c.table_schema, c.table_name), format('%I', c.column_name) FROM information_schema.columns c
            JOIN information_schema.tables t ON (t.table_schema, t.table_name) = (c.table_schema, c.table_name) AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema NOT IN ('pg_catalog', 'information_schema') AND (c.table_schema, c.table_name) <> ('notifications', 'outbox')
              AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea')
            """, connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        Assert.True(columns.Count > 50, $"only {columns.Count} text columns found");
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            // bytea as its bytes (a file's or a blob's), everything else as its text.
            await using var count = new Npgsql.NpgsqlCommand($"""
                SELECT count(*) FROM {table} WHERE position(convert_to($1, 'UTF8') in
                    CASE WHEN pg_typeof({column}) = 'bytea'::regtype THEN {column}::text::bytea ELSE convert_to({column}::text, 'UTF8') END) > 0
                """, connection);
            count.Parameters.Add(new Npgsql.NpgsqlParameter { Value = secret });
            if ((long)(await count.ExecuteScalarAsync())! > 0)
            {
                found.Add($"{table}.{column}");
            }
        }
        return found;
    }

}

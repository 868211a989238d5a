using System.Text.Json.Nodes;
using Hangfire;
using Marten;
using Npgsql;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Seals the personal data of events and documents stored before <see cref="PersonalDataSealing"/> existed (or by a
/// build without it): each such row is read (in clear: a value without the "sealed:" prefix opens as is), written back
/// through the sealing serializer, in batches until none is left. Streams keep their events, versions and sequence
/// numbers; only the JSON of the personal fields changes. Idempotent: a row already sealed is not selected again.
/// </summary>
/// <remarks>
/// A phone-only event from before sealing (<c>PhoneVerified</c>, <c>ResumeLocked</c> without <c>BhxhCode</c>) names
/// no person and stays as it is (ADR 16).
/// </remarks>
public sealed class SealStoredDataJob(IDocumentStore store, NpgsqlDataSource database)
{
    private const int Batch = 500;

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Seal personal data stored in clear")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var options = store.Options;
        var serializer = options.Serializer();
        var events = options.Events.AllKnownEventTypes().Where(e => PersonalDataSealing.Holds(e.EventType))
            .ToDictionary(e => e.EventTypeName, e => e.EventType, StringComparer.Ordinal);
        await Rewrite($"{options.Events.DatabaseSchemaName}.mt_events", "seq_id", "type", "type = ANY($1)", [events.Keys.ToArray()],
            (type, json) => events.TryGetValue(type, out var clr) ? Reseal(serializer, clr, json) : null, cancellationToken);
        foreach (var mapping in options.AllKnownDocumentTypes().Where(d => PersonalDataSealing.Holds(d.DocumentType)))
        {
            // Live-aggregated types are known to Marten but have no table.
            await using var exists = database.CreateCommand("SELECT to_regclass($1) IS NOT NULL");
            exists.Parameters.Add(new NpgsqlParameter { Value = mapping.TableName.QualifiedName });
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                continue;
            }
            var clr = mapping.DocumentType;
            await Rewrite(mapping.TableName.QualifiedName, "id", "''", "true", [], (_, json) => Reseal(serializer, clr, json), cancellationToken);
        }
    }

    // Read as stored (a value without the prefix opens as is), written sealed.
    private static string Reseal(ISerializer serializer, Type type, string json) =>
        serializer.ToJson(serializer.FromJson(type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json))));

    // Pages through the rows of `table` (keyset on `key`) that hold no sealed value and rewrites those the serializer changes.
    private async Task Rewrite(string table, string key, string typeColumn, string filter, object[] filterValues, Func<string, string, string?> reseal,
        CancellationToken cancellationToken)
    {
        object? after = null;
        while (true)
        {
            var rows = new List<(object Key, string Type, string Json)>();
            var keyset = after is null ? "" : $"AND {key} > ${filterValues.Length + 1}";
            await using (var select = database.CreateCommand(
                $"SELECT {key}, {typeColumn}, data::text FROM {table} WHERE {filter} AND position('\"sealed:' in data::text) = 0 {keyset} ORDER BY {key} LIMIT {Batch}"))
            {
                foreach (var value in after is null ? filterValues : [.. filterValues, after])
                {
                    select.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetValue(0), reader.GetString(1), reader.GetString(2)));
                }
            }
            foreach (var (id, type, json) in rows)
            {
                if (reseal(type, json) is { } sealedJson && !JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(sealedJson)))
                {
                    await using var update = database.CreateCommand($"UPDATE {table} SET data = $1::jsonb WHERE {key} = $2");
                    update.Parameters.Add(new NpgsqlParameter { Value = sealedJson });
                    update.Parameters.Add(new NpgsqlParameter { Value = id });
                    await update.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            if (rows.Count < Batch)
            {
                return;
            }
            after = rows[^1].Key;
        }
    }
}

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
/// An event stored before it named its person (<see cref="INamesPersonThroughStream"/>: a registration's
/// <c>PhoneVerified</c>, <c>ResumeLocked</c> without a <c>BhxhCode</c>) is given the person its stream's first event
/// names, and sealed with their key.
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
        var table = $"{options.Events.DatabaseSchemaName}.mt_events";
        await Rewrite(table, "seq_id", "type", "stream_id", "type = ANY($1)", [events.Keys.ToArray()],
            async (type, json, stream) => events.TryGetValue(type, out var clr)
                ? await Reseal(serializer, clr, json, () => StreamSubject(serializer, table, (Guid)stream!, cancellationToken))
                : null,
            cancellationToken);
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
            await Rewrite(mapping.TableName.QualifiedName, "id", "''", "NULL", "true", [], (_, json, _) => Reseal(serializer, clr, json, null), cancellationToken);
        }
    }

    // Read as stored (a value without the prefix opens as is), written sealed; an event that names nobody, with its stream's person.
    private static async Task<string?> Reseal(ISerializer serializer, Type type, string json, Func<Task<string?>>? streamSubject)
    {
        var value = Read(serializer, type, json);
        if (value is INamesPersonThroughStream { DataSubject: null } anonymous && streamSubject is not null && await streamSubject() is { } subject)
        {
            value = anonymous.WithSubject(subject);
        }
        return serializer.ToJson(value);
    }

    private static object Read(ISerializer serializer, Type type, string json) =>
        serializer.FromJson(type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));

    // The one person a stream's first event names (a registration's declaration), or null; null too when they have no
    // live key (erased: sealing would make them a new key and their phone readable again).
    private async Task<string?> StreamSubject(ISerializer serializer, string table, Guid stream, CancellationToken cancellationToken)
    {
        await using var first = database.CreateCommand($"SELECT data::text, mt_dotnet_type FROM {table} WHERE stream_id = $1 ORDER BY version LIMIT 1");
        first.Parameters.Add(new NpgsqlParameter { Value = stream });
        await using var reader = await first.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(1) || Type.GetType(reader.GetString(1)) is not { } type)
        {
            return null;
        }
        var subjects = PersonalDataSealing.CarriersIn([Read(serializer, type, reader.GetString(0))]);
        if (subjects.Count != 1)
        {
            return null;
        }
        var subject = subjects.Keys.Single();
        await using var live = database.CreateCommand($"SELECT EXISTS (SELECT 1 FROM {PersonKeys.TableName} WHERE subject = $1 AND shredded_at IS NULL)");
        live.Parameters.Add(new NpgsqlParameter { Value = subject });
        return (bool)(await live.ExecuteScalarAsync(cancellationToken))! ? subject : null;
    }

    // Pages through the rows of `table` (keyset on `key`) that hold no sealed value and rewrites those the serializer changes;
    // `reseal` gets each row's type, JSON and `contextColumn` (an event's stream).
    private async Task Rewrite(string table, string key, string typeColumn, string contextColumn, string filter, object[] filterValues,
        Func<string, string, object?, Task<string?>> reseal, CancellationToken cancellationToken)
    {
        object? after = null;
        while (true)
        {
            var rows = new List<(object Key, string Type, string Json, object? Context)>();
            var keyset = after is null ? "" : $"AND {key} > ${filterValues.Length + 1}";
            await using (var select = database.CreateCommand(
                $"SELECT {key}, {typeColumn}, data::text, {contextColumn} FROM {table} WHERE {filter} AND position('\"sealed:' in data::text) = 0 {keyset} ORDER BY {key} LIMIT {Batch}"))
            {
                foreach (var value in after is null ? filterValues : [.. filterValues, after])
                {
                    select.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetValue(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetValue(3)));
                }
            }
            foreach (var (id, type, json, context) in rows)
            {
                if (await reseal(type, json, context) is { } sealedJson && !JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(sealedJson)))
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

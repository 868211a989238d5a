using System.Text.Json.Nodes;
using Hangfire;
using Marten;
using Npgsql;
using Weasel.Postgresql.Tables;

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
/// A row of a person erased after it was written (<see cref="PersonKeys.ErasedSince"/>; every erasure leaves a tombstone,
/// so this holds for a person who never had a key too) is sealed with a key that is never stored: it reads as erased data
/// does, and no new key makes it readable again. A row is written back only if none of its people was erased since that
/// check, so an erasure that lands meanwhile leaves it for the next run.
/// <para>
/// Each run reads only what it has not read before: events past the last sequence number, documents modified since the
/// last run, each table's mark kept in <see cref="ProgressTable"/> (a full pass over every event each hour would read the
/// whole store). A mark never passes rows younger than <see cref="Horizon"/> (a transaction of an older build may still
/// commit below it) nor a row held back for an erasure in flight.
/// </para>
/// </remarks>
public sealed class SealStoredDataJob(IDocumentStore store, NpgsqlDataSource database, PersonalDataSealing sealing, PersonKeys keys)
{
    public const string ProgressTable = "privacy.sealing_progress";
    public static readonly TimeSpan Horizon = TimeSpan.FromMinutes(5);
    private const int Batch = 500;

    public static Table Progress()
    {
        var table = new Table(ProgressTable);
        table.AddColumn("name", "text").AsPrimaryKey();
        // Events: every sequence number up to this one was read. Documents: every row modified up to this time.
        table.AddColumn("after_seq", "bigint");
        table.AddColumn("modified_after", "timestamp with time zone");
        return table;
    }

    /// <summary>Seals what is left in clear; answers how many rows it read.</summary>
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Seal personal data stored in clear")]
    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var options = store.Options;
        var serializer = options.Serializer();
        var events = options.Events.AllKnownEventTypes().Where(e => PersonalDataSealing.Holds(e.EventType))
            .ToDictionary(e => e.EventTypeName, e => e.EventType, StringComparer.Ordinal);
        var table = $"{options.Events.DatabaseSchemaName}.mt_events";
        var (afterSeq, _) = await Mark("events", cancellationToken);
        var horizonSeq = await Scalar<long>(
            $"SELECT coalesce(max(seq_id), 0) FROM {table} WHERE timestamp < now() - make_interval(secs => $1)", Horizon.TotalSeconds, cancellationToken);
        var (read, held) = await Rewrite(table, "seq_id", "type", "stream_id", "timestamp", "type = ANY($1) AND seq_id > $2", [events.Keys.ToArray(), afterSeq ?? 0L],
            async (type, json, stream, at) => events.TryGetValue(type, out var clr)
                ? await Reseal(serializer, clr, json, at, () => StreamSubject(serializer, table, (Guid)stream!, cancellationToken), cancellationToken)
                : null,
            cancellationToken);
        var nextSeq = Math.Min(horizonSeq, held.Count > 0 ? held.Min(h => (long)h.Key) - 1 : long.MaxValue);
        await Advance("events", Math.Max(nextSeq, afterSeq ?? 0L), null, cancellationToken);
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
            var name = "documents:" + mapping.TableName.QualifiedName;
            var (_, modifiedAfter) = await Mark(name, cancellationToken);
            var horizon = await Scalar<DateTimeOffset>("SELECT now() - make_interval(secs => $1)", Horizon.TotalSeconds, cancellationToken);
            var (documents, heldDocuments) = await Rewrite(mapping.TableName.QualifiedName, "id", "''", "NULL", "mt_last_modified",
                "($1::timestamptz IS NULL OR mt_last_modified > $1)", [(object?)modifiedAfter ?? DBNull.Value],
                (_, json, _, at) => Reseal(serializer, clr, json, at, null, cancellationToken), cancellationToken);
            read += documents;
            var next = heldDocuments.Count > 0 ? heldDocuments.Min(h => h.At).AddTicks(-10) : horizon;
            await Advance(name, null, next < horizon ? next : horizon, cancellationToken);
        }
        return read;
    }

    private async Task<(long? AfterSeq, DateTimeOffset? ModifiedAfter)> Mark(string name, CancellationToken cancellationToken)
    {
        await using var select = database.CreateCommand($"SELECT after_seq, modified_after FROM {ProgressTable} WHERE name = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.IsDBNull(0) ? null : reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1))
            : (null, null);
    }

    // Never backwards: a run that read less (another run's mark is further on) leaves the mark where it is.
    private async Task Advance(string name, long? afterSeq, DateTimeOffset? modifiedAfter, CancellationToken cancellationToken)
    {
        await using var upsert = database.CreateCommand($"""
            INSERT INTO {ProgressTable} (name, after_seq, modified_after) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET after_seq = greatest({ProgressTable}.after_seq, excluded.after_seq),
                                             modified_after = greatest({ProgressTable}.modified_after, excluded.modified_after)
            """);
        upsert.Parameters.Add(new NpgsqlParameter { Value = name });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)afterSeq ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        upsert.Parameters.Add(new NpgsqlParameter { Value = (object?)modifiedAfter ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<T> Scalar<T>(string sql, object value, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = value });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.GetFieldValue<T>(0);
    }

    // Read as stored (a value without the prefix opens as is), written sealed; an event that names nobody, with its stream's
    // person. Answers the JSON and the people it names.
    private async Task<(string Json, string[] People, long Shreddings)?> Reseal(ISerializer serializer, Type type, string json, DateTimeOffset at,
        Func<Task<string?>>? streamSubject, CancellationToken cancellationToken)
    {
        var value = Read(serializer, type, json);
        if (value is INamesPersonThroughStream { DataSubject: null } anonymous && streamSubject is not null && await streamSubject() is { } subject)
        {
            value = anonymous.WithSubject(subject);
        }
        var carriers = PersonalDataSealing.CarriersIn([value]);
        var (erased, shreddings) = await keys.ErasedSince(carriers.Keys.ToArray(), cancellationToken);
        // Erased after this was written: sealed with keys nobody holds (a person erased before and back since keeps the
        // data written after, sealed with their live key as usual).
        sealing.SealWith(carriers, [.. erased.Where(e => e.Value >= at).Select(e => PersonKeys.Nobodys(e.Key))]);
        return (serializer.ToJson(value), [.. carriers.Keys], shreddings);
    }

    private static object Read(ISerializer serializer, Type type, string json) =>
        serializer.FromJson(type, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));

    // The one person a stream's first event names (a registration's declaration), or null.
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
        return subjects.Count == 1 ? subjects.Keys.Single() : null;
    }

    // Pages through the rows of `table` (keyset on `key`) that hold no sealed value and rewrites those the serializer changes;
    // `reseal` gets each row's type, JSON, `contextColumn` (an event's stream) and when it was written (`timeColumn`).
    // Answers how many rows it read and those it held back (an erasure of their people landed in between).
    private async Task<(int Read, List<(object Key, DateTimeOffset At)> Held)> Rewrite(string table, string key, string typeColumn, string contextColumn, string timeColumn, string filter, object[] filterValues,
        Func<string, string, object?, DateTimeOffset, Task<(string Json, string[] People, long Shreddings)?>> reseal, CancellationToken cancellationToken)
    {
        object? after = null;
        var read = 0;
        var held = new List<(object Key, DateTimeOffset At)>();
        while (true)
        {
            var rows = new List<(object Key, string Type, string Json, object? Context, DateTimeOffset At)>();
            var keyset = after is null ? "" : $"AND {key} > ${filterValues.Length + 1}";
            await using (var select = database.CreateCommand(
                $"SELECT {key}, {typeColumn}, data::text, {contextColumn}, {timeColumn} FROM {table} WHERE {filter} AND position('\"sealed:' in data::text) = 0 {keyset} ORDER BY {key} LIMIT {Batch}"))
            {
                foreach (var value in after is null ? filterValues : [.. filterValues, after])
                {
                    select.Parameters.Add(new NpgsqlParameter { Value = value });
                }
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    rows.Add((reader.GetValue(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetValue(3),
                        reader.GetFieldValue<DateTimeOffset>(4)));
                }
            }
            foreach (var (id, type, json, context, at) in rows)
            {
                if (await reseal(type, json, context, at) is { } resealed && !JsonNode.DeepEquals(JsonNode.Parse(json), JsonNode.Parse(resealed.Json)))
                {
                    // Not if one of its people was erased since the check (a key made meanwhile would open it): the next run blanks it.
                    await using var update = database.CreateCommand(
                        $"UPDATE {table} SET data = $1::jsonb WHERE {key} = $2 AND {PersonKeys.NotErasedSince("$3", "$4")}");
                    update.Parameters.Add(new NpgsqlParameter { Value = resealed.Json });
                    update.Parameters.Add(new NpgsqlParameter { Value = id });
                    update.Parameters.Add(new NpgsqlParameter { Value = resealed.People });
                    update.Parameters.Add(new NpgsqlParameter { Value = resealed.Shreddings });
                    if (await update.ExecuteNonQueryAsync(cancellationToken) == 0)
                    {
                        held.Add((id, at));
                    }
                }
            }
            read += rows.Count;
            if (rows.Count < Batch)
            {
                return (read, held);
            }
            after = rows[^1].Key;
        }
    }
}

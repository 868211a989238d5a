using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Idempotency;

/// <summary>
/// <c>Idempotency-Key</c> on POST: the same key with the same body (from the same caller, on the same
/// route) answers the first response for 24 h; a different body is 422; while the first is running, 409.
/// The stored response may hold an access token, so it is encrypted (Data Protection) and deleted after
/// 24 h. Error answers (4xx problems, 5xx) are not kept: the request runs again and answers again.
/// </summary>
/// <remarks>
/// A running request holds the key on a lease (<see cref="Lease"/>). A process that dies mid-request
/// leaves the key running; once its lease has run out, a retry with the same body takes it over and runs
/// the request again, instead of answering 409 for a day and never telling the client what happened.
/// Only the holder of the lease stores its answer. The retry may repeat an effect the dead request had
/// already committed; the effects behind keyed POSTs are made safe to repeat (a second unverified draft
/// that expires in 24 h; a roster row or an enrolment is unique per child), see ADR 15.
/// </remarks>
public sealed class IdempotencyMiddleware(RequestDelegate next, NpgsqlDataSource dataSource, IDataProtectionProvider protection,
    TimeProvider time, ILogger<IdempotencyMiddleware> logger)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a running request holds its key. Longer than any request this API serves (the slowest, a
    /// 1,000-row roster, takes about half a second), short enough that a client retrying after a crash
    /// gets an answer within a minute.
    /// </summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(60);

    /// <summary>The request header that carries the key.</summary>
    public const string Header = "Idempotency-Key";

    /// <summary>The longest key accepted.</summary>
    public const int MaxKeyLength = 200;
    private const string Purpose = "VssId.Idempotency.Response";
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Retry-After"];

    public static readonly ProblemType KeyReused = new("idempotency.key_reused", 422,
        new("Idempotency-Key này đã được dùng cho một yêu cầu khác.", "This Idempotency-Key was used for a different request."));

    public static readonly ProblemType InProgress = new("idempotency.in_progress", 409,
        new("Yêu cầu với Idempotency-Key này đang được xử lý.", "The request with this Idempotency-Key is still being processed."));

    public static readonly ProblemType KeyInvalid = new("idempotency.key_invalid", 400,
        new("Idempotency-Key dài 1–200 ký tự.", "An Idempotency-Key is 1–200 characters."));

    /// <summary>The table, created by Marten's migration with the rest of the schema.</summary>
    public static void AddSchema(StoreOptions options)
    {
        var table = new Table("marten.idempotency_requests");
        table.AddColumn("id", "text").AsPrimaryKey();
        table.AddColumn("request_hash", "text").NotNull();
        table.AddColumn("status", "text").NotNull();
        table.AddColumn("response_protected", "text");
        table.AddColumn("created_at", "timestamptz").NotNull();
        // Who runs the request and until when: a retry may take over a key whose holder died.
        table.AddColumn("holder", "uuid");
        table.AddColumn("lease_until", "timestamptz");
        options.Storage.ExtendedSchemaObjects.Add(table);
    }

    public async Task InvokeAsync(HttpContext http)
    {
        var key = http.Request.Headers[Header].ToString();
        if (!HttpMethods.IsPost(http.Request.Method) || key.Length == 0 || http.GetEndpoint()?.Metadata.GetMetadata<NotIdempotent>() is not null)
        {
            await next(http);
            return;
        }
        if (key.Length > MaxKeyLength)
        {
            await ProblemWriter.WriteAsync(http, KeyInvalid);
            return;
        }
        var caller = http.Request.Headers.Authorization.ToString() is { Length: > 0 } authorization
            ? "auth:" + authorization
            : "ip:" + http.Connection.RemoteIpAddress;
        var id = Hash($"{http.Request.Path}\n{caller}\n{key}");
        http.Request.EnableBuffering();
        var requestHash = await HashBody(http.Request);
        var now = time.GetUtcNow();
        var holder = Guid.NewGuid();

        await using (var connection = await dataSource.OpenConnectionAsync(http.RequestAborted))
        {
            await Execute(connection, "DELETE FROM marten.idempotency_requests WHERE id = $1 AND created_at < $2", id, now - Lifetime);
            // A new key is claimed; a running one whose lease ran out (its process died) is taken over by the same request.
            var claimed = await Execute(connection, """
                INSERT INTO marten.idempotency_requests (id, request_hash, status, created_at, holder, lease_until) VALUES ($1, $2, 'running', $3, $4, $5)
                ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at, holder = excluded.holder, lease_until = excluded.lease_until
                WHERE idempotency_requests.status = 'running' AND idempotency_requests.request_hash = excluded.request_hash
                  AND coalesce(idempotency_requests.lease_until, idempotency_requests.created_at + $6) < excluded.created_at
                """, id, requestHash, now, holder, now + Lease, Lease);
            if (claimed == 0)
            {
                await Replay(http, connection, id, requestHash, now);
                return;
            }
        }

        var original = http.Response.Body;
        using var buffer = new MemoryStream();
        http.Response.Body = buffer;
        try
        {
            await next(http);
        }
        catch
        {
            http.Response.Body = original;
            await Forget(id, holder);
            throw;
        }
        http.Response.Body = original;
        if (http.Response.StatusCode is >= 200 and < 400)
        {
            var stored = new StoredResponse(http.Response.StatusCode, http.Response.ContentType,
                ReplayedHeaders.Where(h => http.Response.Headers.ContainsKey(h)).ToDictionary(h => h, h => http.Response.Headers[h].ToString()),
                Convert.ToBase64String(buffer.ToArray()));
            await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
            await Execute(connection, "UPDATE marten.idempotency_requests SET status = 'done', response_protected = $2 WHERE id = $1 AND holder = $3",
                id, protection.CreateProtector(Purpose).Protect(JsonSerializer.Serialize(stored)), holder);
        }
        else
        {
            await Forget(id, holder);
        }
        buffer.Position = 0;
        await buffer.CopyToAsync(original, http.RequestAborted);
    }

    private async Task Replay(HttpContext http, NpgsqlConnection connection, string id, string requestHash, DateTimeOffset now)
    {
        await using var select = new NpgsqlCommand(
            "SELECT request_hash, status, response_protected, coalesce(lease_until, created_at + $2) FROM marten.idempotency_requests WHERE id = $1", connection)
        {
            Parameters = { new() { Value = id }, new() { Value = Lease } },
        };
        await using var reader = await select.ExecuteReaderAsync(http.RequestAborted);
        if (!await reader.ReadAsync(http.RequestAborted))
        {
            await ProblemWriter.WriteAsync(http, InProgress);
            return;
        }
        if (reader.GetString(0) != requestHash)
        {
            await ProblemWriter.WriteAsync(http, KeyReused);
            return;
        }
        if (reader.GetString(1) != "done" || reader.IsDBNull(2))
        {
            // The client learns when the key can be taken over if the request it waits for has died.
            var leaseLeft = reader.GetFieldValue<DateTimeOffset>(3) - now;
            await ProblemWriter.WriteAsync(http, InProgress, retryAfter: leaseLeft > TimeSpan.Zero ? leaseLeft : TimeSpan.FromSeconds(1));
            return;
        }
        var stored = JsonSerializer.Deserialize<StoredResponse>(protection.CreateProtector(Purpose).Unprotect(reader.GetString(2)))!;
        http.Response.StatusCode = stored.Status;
        foreach (var (name, value) in stored.Headers)
        {
            http.Response.Headers[name] = value;
        }
        http.Response.Headers["Idempotent-Replayed"] = "true";
        if (stored.ContentType is not null)
        {
            http.Response.ContentType = stored.ContentType;
        }
        await http.Response.Body.WriteAsync(Convert.FromBase64String(stored.Body), http.RequestAborted);
        logger.LogInformation("Replayed the first response of an idempotent {Path}", http.Request.Path);
    }

    private async Task Forget(string id, Guid holder)
    {
        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await Execute(connection, "DELETE FROM marten.idempotency_requests WHERE id = $1 AND holder = $2", id, holder);
    }

    private static async Task<int> Execute(NpgsqlConnection connection, string sql, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        return await command.ExecuteNonQueryAsync();
    }

    // Hashed as it streams in (buffered to disk beyond 30 KB for the handler to read again): the body is
    // already capped by its route's limit, and is never held whole in memory here.
    private static async Task<string> HashBody(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(request.ContentType + "\n"));
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private sealed record StoredResponse(int Status, string? ContentType, Dictionary<string, string> Headers, string Body);
}

/// <summary>
/// Marks a POST that creates nothing a retry could duplicate (the OAuth token endpoint): an
/// <c>Idempotency-Key</c> is ignored there, so no answer holding a token is ever stored for replay.
/// </summary>
public sealed record NotIdempotent;

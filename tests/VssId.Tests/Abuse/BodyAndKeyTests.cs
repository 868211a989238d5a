using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Npgsql;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 items 5 and 9: per-route body limits, and an idempotency key a crash left running.</summary>
public sealed class BodyAndKeyTests
{
    private sealed class ChunkedContent(byte[] body, string contentType) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(body).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        public ChunkedContent Typed()
        {
            Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            return this;
        }
    }

    private static byte[] Json(int size) => Encoding.UTF8.GetBytes("{\"fullName\":\"" + new string('A', size) + "\"}");

    [Fact]
    public async Task A_json_route_reads_at_most_64_KB_whether_the_length_is_declared_or_not()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var client = app.CreateClient();
        var declared = new ByteArrayContent(Json(100_000));
        declared.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await (await client.PostAsync(new Uri("/api/v1/registrations", UriKind.Relative), declared)).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        await (await client.PostAsync(new Uri("/api/v1/registrations", UriKind.Relative), new ChunkedContent(Json(100_000), "application/json").Typed()))
            .AssertProblem(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        // With an Idempotency-Key the body is capped before the key's hash reads it.
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/v1/registrations") { Content = new ChunkedContent(Json(10_000_000), "application/json").Typed() };
        keyed.Headers.Add("Idempotency-Key", "big-body");
        await (await client.SendAsync(keyed)).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM registration.application_index"));
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM marten.idempotency_requests"));

        // A route that declares more keeps it: a photo up to 5 MiB, its own code beyond.
        var (id, token) = await new RegistrationClient(client).Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        using var upload = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/registrations/{id}/documents/portrait")
        {
            Content = new ChunkedContent(new byte[5 * 1024 * 1024 + 10], "image/jpeg").Typed(),
        };
        upload.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await client.SendAsync(upload)).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "document.too_large");
    }

    private static async Task<int> Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_key_left_running_by_a_dead_request_answers_409_until_its_lease_ends_then_the_retry_runs()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var client = app.CreateClient();
        var declaration = RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone());
        async Task<HttpResponseMessage> Post()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/registrations") { Content = JsonContent.Create(declaration) };
            request.Headers.Add("Idempotency-Key", "crashed-start");
            return await client.SendAsync(request);
        }
        Assert.Equal(HttpStatusCode.Created, (await Post()).StatusCode);
        // What a process killed between the claim and the stored answer leaves behind: the key running, no answer.
        Assert.Equal(1, await Execute(app.ConnectionString,
            "UPDATE marten.idempotency_requests SET status = 'running', response_protected = NULL, lease_until = now() + interval '45 seconds'"));

        var waiting = await (await Post()).AssertProblem(HttpStatusCode.Conflict, "idempotency.in_progress");
        var retryAfter = (await Post()).Headers.RetryAfter!.Delta!.Value;
        Assert.InRange(retryAfter.TotalSeconds, 1, 45);

        // The lease runs out: the retry takes the key over, runs, and from then on its answer is the one replayed.
        await Execute(app.ConnectionString, "UPDATE marten.idempotency_requests SET lease_until = now() - interval '1 second'");
        var retried = await Post();
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.False(retried.Headers.Contains("Idempotent-Replayed"));
        var replayed = await Post();
        Assert.Equal(HttpStatusCode.Created, replayed.StatusCode);
        Assert.True(replayed.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal(await retried.Content.ReadAsStringAsync(), await replayed.Content.ReadAsStringAsync());
        var token = (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await new RegistrationClient(client).Send(HttpMethod.Get, retried.Headers.Location!.ToString(), token)).StatusCode);

        // A different body never takes a running key over, expired lease or not.
        await Execute(app.ConnectionString, "UPDATE marten.idempotency_requests SET status = 'running', response_protected = NULL, lease_until = now() - interval '1 second'");
        using var other = new HttpRequestMessage(HttpMethod.Post, "/api/v1/registrations")
        {
            Content = JsonContent.Create(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone())),
        };
        other.Headers.Add("Idempotency-Key", "crashed-start");
        await (await client.SendAsync(other)).AssertProblem((HttpStatusCode)422, "idempotency.key_reused");
    }
}

using System.Net;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.Modules.Registration.ReadModels;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

public sealed class ApplicationIndexTests
{
    private static async Task<List<string>> Rows(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT row_to_json(i)::text FROM {ApplicationIndex.TableName} i ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }

    [Fact]
    public async Task Rebuilding_the_index_from_the_events_gives_the_same_rows()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var (submitted, token) = await api.Ready(RegistrationClient.NewCode(), RegistrationClient.NewPhone());
        Assert.Equal(HttpStatusCode.Accepted, (await api.Submit(submitted, token)).StatusCode);
        var (withdrawn, withdrawnToken) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal(HttpStatusCode.NoContent, (await api.Send(HttpMethod.Delete, $"/api/v1/registrations/{withdrawn}", withdrawnToken)).StatusCode);
        await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var before = await Rows(app.ConnectionString);
        Assert.Equal(3, before.Count);
        Assert.Contains(before, r => r.Contains("\"status\":\"Submitted\"", StringComparison.Ordinal) && r.Contains("\"open_submission\":true", StringComparison.Ordinal));
        Assert.Contains(before, r => r.Contains("\"status\":\"Withdrawn\"", StringComparison.Ordinal));

        var store = app.Services.GetRequiredService<IDocumentStore>();
        using var daemon = await store.BuildProjectionDaemonAsync();
        await daemon.RebuildProjectionAsync<ApplicationIndex>(CancellationToken.None);

        Assert.Equal(before, await Rows(app.ConnectionString));
    }

    [Theory]
    // The start guard and the phone verification count a phone's verified drafts.
    [InlineData($"SELECT count(*) FROM {ApplicationIndex.TableName} WHERE phone = $1 AND {ApplicationIndex.VerifiedDraft}")]
    // The status lookup.
    [InlineData($"SELECT id FROM {ApplicationIndex.TableName} WHERE phone = $1 AND bhxh_code = $1")]
    // Erasure blanks a person's phones.
    [InlineData($"UPDATE {ApplicationIndex.TableName} SET phone = '' WHERE bhxh_code = $1")]
    public async Task Lookups_by_phone_and_by_code_are_index_scans(string sql)
    {
        // A scan of every application per start would pass every other test on an empty table; the plan shows it.
        // Prepared with a generic plan, as Npgsql's auto-prepared statements run.
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        _ = app.Services;
        await using var connection = new NpgsqlConnection(app.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        foreach (var setting in new[] { "SET LOCAL enable_seqscan = off", "SET LOCAL plan_cache_mode = force_generic_plan", $"PREPARE lookup(text) AS {sql}" })
        {
            await new NpgsqlCommand(setting, connection, transaction).ExecuteNonQueryAsync();
        }
        await using var explain = new NpgsqlCommand("EXPLAIN EXECUTE lookup('x')", connection, transaction);
        await using var reader = await explain.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }
        Assert.DoesNotContain(plan, line => line.Contains("Seq Scan", StringComparison.Ordinal));
        Assert.Contains(plan, line => line.Contains("Index", StringComparison.Ordinal));
    }
}

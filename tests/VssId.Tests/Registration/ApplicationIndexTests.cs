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
}

using System.Net;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VssId.Host.Platform;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

public sealed class HostRoleTests
{
    [Theory]
    [InlineData(null, true, true)]
    [InlineData("api,worker", true, true)]
    [InlineData("api", true, false)]
    [InlineData("Worker", false, true)]
    [InlineData(" worker ; api ", true, true)]
    public void Roles_come_from_configuration(string? value, bool api, bool worker)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Host:Roles"] = value }).Build();
        Assert.Equal(new HostRoles(api, worker), HostRoles.From(configuration));
    }

    [Fact]
    public void An_unknown_role_is_refused_at_start()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Host:Roles"] = "api,scheduler" }).Build();
        Assert.Contains("scheduler", Assert.Throws<InvalidOperationException>(() => HostRoles.From(configuration)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_api_role_maps_endpoints_and_runs_no_Hangfire_server()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Roles = "api" });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/v1/reference/provinces", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain(app.Services.GetServices<IHostedService>(), s => s.GetType().Name.Contains("BackgroundJobServer", StringComparison.Ordinal));
        Assert.Empty(app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers());
    }

    [Fact]
    public async Task The_worker_role_runs_Hangfire_and_maps_no_API()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Roles = "worker" });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/v1/reference/provinces", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode);
        Assert.Contains(app.Services.GetServices<IHostedService>(), s => s.GetType().Name.Contains("BackgroundJobServer", StringComparison.Ordinal));
        var storage = app.Services.GetRequiredService<JobStorage>();
        await Eventually.True(() => Task.FromResult(storage.GetMonitoringApi().Servers().Count == 1), because: "the Hangfire server announces itself");
    }

    [Fact]
    public async Task Outside_Development_the_Hangfire_dashboard_is_closed_and_the_development_outbox_absent()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Roles = "api",
            Environment = "Production",
            Settings = new Dictionary<string, string?>
            {
                ["Security:ServerKey"] = Convert.ToBase64String(new byte[32]),
                ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
                // The test database is a copy of a template migrated in Development: its ring (and the signing keys it
                // protects) is sealed with the development KEK, so this start is a rotation away from it.
                ["DataProtection:PreviousKeyEncryptionKeys:0"] = "dnNzaWQtZGV2ZWxvcG1lbnQta2VrLW5vdC1zZWNyZXQ=",
                ["Messaging:Sms:Provider"] = "http",
                ["Messaging:Email:Provider"] = "smtp",
            },
        });
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri("/hangfire", UriKind.Relative))).StatusCode);
        // An administrator made the way create-admin makes one opens it; an officer does not.
        foreach (var (userName, role, office, expected) in new[] { ("ops.admin", "admin", (string?)null, HttpStatusCode.OK), ("ops.officer", "officer", "00131", HttpStatusCode.Forbidden) })
        {
            await using (var scope = app.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<Mediator.ISender>().Send(new VssId.Modules.Credentials.Features.ManageStaff.CreateStaffUser(
                    new VssId.Modules.Credentials.Features.ManageStaff.CreateStaffUserRequest { UserName = userName, FullName = "Vận hành", Role = role, OfficeCode = office },
                    "test", "Một mật khẩu đủ dài 2026"));
            }
            var token = await new VssId.Tests.Credentials.IdentityClient(app).AccessToken(userName, "Một mật khẩu đủ dài 2026");
            using var dashboard = new HttpRequestMessage(HttpMethod.Get, new Uri("/hangfire", UriKind.Relative)) { Headers = { Authorization = new("Bearer", token) } };
            Assert.Equal(expected, (await app.CreateUncheckedClient().SendAsync(dashboard)).StatusCode);
        }
        // The development outbox shows OTPs: it does not exist outside Development.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri("/api/dev/messages?to=0352153123", UriKind.Relative))).StatusCode);
        var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync(new Uri("/swagger/v1/swagger.json", UriKind.Relative)));
        Assert.False(document.RootElement.GetProperty("paths").TryGetProperty("/api/dev/messages", out _));
    }

    // Issue 13 item 10: the outbox keeps OTPs and passwords in clear; outside Development the host refuses to start with it.
    [Theory]
    [InlineData("outbox", "smtp")]
    [InlineData("http", "outbox")]
    public async Task Outside_Development_the_outbox_providers_stop_the_host_at_start(string sms, string email)
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = new VssIdApp(database, new VssIdAppOptions
            {
                Roles = "api",
                Environment = "Production",
                Settings = new Dictionary<string, string?>
                {
                    ["Security:ServerKey"] = Convert.ToBase64String(new byte[32]),
                ["DataProtection:KeyEncryptionKey"] = Convert.ToBase64String(new byte[32]),
                    ["Messaging:Sms:Provider"] = sms,
                    ["Messaging:Email:Provider"] = email,
                },
            });
            _ = app.Server;
        });
        Assert.Contains("Development only", failure.ToString(), StringComparison.Ordinal);
    }

    // Issue 13 item 11: outside Development there is no default key-encryption key.
    [Fact]
    public async Task Outside_Development_the_host_does_not_start_without_a_key_encryption_key()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var failure = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = new VssIdApp(database, new VssIdAppOptions
            {
                Roles = "api",
                Environment = "Production",
                Settings = new Dictionary<string, string?>
                {
                    ["Security:ServerKey"] = Convert.ToBase64String(new byte[32]),
                    ["Messaging:Sms:Provider"] = "http",
                    ["Messaging:Email:Provider"] = "smtp",
                },
            });
            _ = app.Server;

        });
        Assert.Contains("DataProtection:KeyEncryptionKey", failure.ToString(), StringComparison.Ordinal);
    }
}

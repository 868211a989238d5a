using System.Net;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.Credentials.Features.IssueAccount;
using VssId.Modules.Registration.ReadModels;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Registration;

/// <summary>
/// "One mã số BHXH has at most one account": Credentials opens it, publishes AccountOpenedV1 through its
/// relay, Registration keeps the code, and from then on starting or submitting for that code is a 409
/// that tells the person to recover the password — all through PostgreSQL and the real relay.
/// </summary>
public sealed class AccountExistsTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly RegistrationClient _api = new(fixture.App.CreateClient());

    private async Task<Guid> OpenAccount(string code, string phone)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISender>().Send(new IssueAccount(Guid.NewGuid(), code, "Nguyễn Văn An", phone, null, null, "HN"));
    }

    private Task<long> Count(string sql, params object[] args) => NotificationsDb.Count(fixture.ConnectionString, sql, args);

    [Fact]
    public async Task A_code_with_an_account_cannot_start_or_submit_an_application()
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        // A draft made ready before the account existed…
        var (staleId, staleToken) = await _api.Ready(code, phone);

        await OpenAccount(code, RegistrationClient.NewPhone());
        await Eventually.True(async () => await Count($"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1", code) == 1,
            because: "Registration learns of the account through Credentials' relay");

        var refused = await _api.Send(HttpMethod.Post, "/api/v1/registrations", null,
            System.Net.Http.Json.JsonContent.Create(RegistrationClient.Declaration(code, RegistrationClient.NewPhone())));
        var problem = await refused.AssertProblem(HttpStatusCode.Conflict, "registration.account_exists");
        Assert.Contains("Quên mật khẩu", problem.GetProperty("title").GetString(), StringComparison.Ordinal);

        // …cannot reach an office either, and stays a draft.
        await (await _api.Submit(staleId, staleToken)).AssertProblem(HttpStatusCode.Conflict, "registration.account_exists");
        Assert.Equal(1, await Count($"SELECT count(*) FROM {ApplicationIndex.TableName} WHERE bhxh_code = $1 AND status = 'Draft'", code));

        // Other codes are not affected.
        Assert.Equal(HttpStatusCode.Created, (await _api.Send(HttpMethod.Post, "/api/v1/registrations", null,
            System.Net.Http.Json.JsonContent.Create(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone())))).StatusCode);
    }

    [Fact]
    public async Task Opening_an_account_twice_keeps_one_account_and_a_redelivered_event_changes_nothing()
    {
        var code = RegistrationClient.NewCode();
        var first = await OpenAccount(code, RegistrationClient.NewPhone());
        var second = await OpenAccount(code, RegistrationClient.NewPhone());
        Assert.Equal(first, second);
        Assert.Equal(1, await Count("SELECT count(*) FROM events.mt_events WHERE stream_id = $1", first));

        await Eventually.True(async () => await Count($"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1", code) == 1);
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var handler = scope.ServiceProvider.GetServices<VssId.BuildingBlocks.IntegrationEvents.IIntegrationEventHandler<AccountOpenedV1>>().Single();
        await handler.Handle(new AccountOpenedV1(Guid.NewGuid(), code, DateTimeOffset.UtcNow),
            new VssId.BuildingBlocks.IntegrationEvents.IntegrationEventContext(Guid.NewGuid(), 0, first, DateTimeOffset.UtcNow), CancellationToken.None);
        Assert.Equal(1, await Count($"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1 AND account_id = $2", code, first));
    }

    [Fact]
    public async Task An_account_opened_by_a_host_that_stops_before_publishing_still_reaches_registration_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var code = RegistrationClient.NewCode();
        // The API role commits the account; it runs no relay, so nothing is published before it stops.
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        {
            await using var scope = api.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ISender>().Send(new IssueAccount(Guid.NewGuid(), code, "Nguyễn Văn An", RegistrationClient.NewPhone(), null, null, "HN"));
        }
        Assert.Equal(0, await NotificationsDb.Count(database, $"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1", code));

        await using var restarted = new VssIdApp(database);
        _ = restarted.Server;
        await Eventually.True(async () => await NotificationsDb.Count(database, $"SELECT count(*) FROM {AccountCodes.TableName} WHERE bhxh_code = $1", code) == 1,
            because: "the relay publishes the account after the restart");
        var refused = await new RegistrationClient(restarted.CreateClient()).Send(HttpMethod.Post, "/api/v1/registrations", null,
            System.Net.Http.Json.JsonContent.Create(RegistrationClient.Declaration(code, RegistrationClient.NewPhone())));
        await refused.AssertProblem(HttpStatusCode.Conflict, "registration.account_exists");
    }
}

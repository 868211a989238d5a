using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Approval;

/// <summary>
/// A host stopped right after an officer's decision was answered 204, before any reaction ran (an API-only
/// host runs no relay): after a restart the applicant's application is Approved, exactly one account is issued
/// and exactly one SMS carries its password.
/// </summary>
public sealed class DecisionCrashTests
{
    [Fact]
    public async Task An_approval_answered_before_the_host_stopped_reaches_registration_and_credentials_once_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        string code, phone, number;
        Guid id;
        string token;
        Guid caseId;
        // Submitted and queued with the worker running.
        await using (var full = new VssIdApp(database))
        {
            var registration = new RegistrationClient(full.CreateClient());
            code = RegistrationClient.NewCode();
            phone = RegistrationClient.NewPhone();
            (id, token) = await registration.Ready(code, phone);
            var submit = await registration.Submit(id, token, "00123");
            number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
            await Eventually.True(async () => await NotificationsDb.Count(database, "SELECT count(*) FROM approval.case_index WHERE application_number = $1", number) == 1,
                because: "the case is opened");
        }
        // Decided on a host that stops before any reaction.
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        {
            var identity = new IdentityClient(api);
            var officer = await identity.ActiveStaff("officer", "00123");
            var officerToken = await identity.AccessToken(officer.UserName, officer.Password);
            var page = await (await identity.Send(HttpMethod.Get, $"/api/v1/offices/00123/cases?applicationNumber={number}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
            caseId = page.GetProperty("items")[0].GetProperty("id").GetGuid();
            Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).StatusCode);
        }
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'account_issued' AND to_key = $1", NotificationsDb.Recipient(phone)));

        await using var restarted = new VssIdApp(database);
        var client = new IdentityClient(restarted);
        var password = await client.OneTimePassword(phone);
        await Eventually.True(async () => (await restarted.CreateClient().GetFromJsonAsync<JsonElement>(
            new Uri($"/api/v1/registrations/status?bhxhCode={code}&phone={phone}", UriKind.Relative))).GetProperty("status").GetString() == "Approved",
            because: "Registration reacts after the restart");
        await client.LoggedIn(code, password);
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'account_issued' AND to_key = $1", NotificationsDb.Recipient(phone)));
        Assert.Equal(1, await NotificationsDb.Count(database,
            "SELECT count(*) FROM events.mt_events WHERE type = 'credentials.account_opened' AND data ->> 'BhxhCode' = $1", code));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;
using RegistrationEvents = VssId.Modules.Registration.Domain;
using ApprovalEvents = VssId.Modules.Approval.Domain;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 12 (events): the identity number, phone, name, birth date, email and address inside events and the
/// account document are stored sealed with the person's key, and the indexes keep phones only as HMACs; erasing
/// the person leaves every stream intact (same events, same versions) with those fields unreadable.
/// </summary>
public sealed class SealedEventsTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00123";
    private const string IdentityNumber = "001090001234";
    private const string Street = "Phạm Văn Đồng";
    private const string Email = "an.nguyen@example.vn";

    [Fact]
    public async Task Personal_fields_are_stored_sealed_and_erasure_leaves_the_streams_whole_but_unreadable()
    {
        var identity = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await registration.Ready(code, phone);
        var submit = await registration.Submit(id, token, Office);
        var number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;

        // Through the office to an account: every module has written the person's data by then.
        var officer = await identity.ActiveStaff("officer", Office);
        var officerToken = await identity.AccessToken(officer.UserName, officer.Password);
        Guid caseId = default;
        await Eventually.True(async () =>
        {
            var items = (await (await identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases?applicationNumber={number}", officerToken))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            caseId = items.GetArrayLength() == 1 ? items[0].GetProperty("id").GetGuid() : default;
            return caseId != default;
        }, because: "the case reaches the office");
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).StatusCode);
        await identity.OneTimePassword(phone);

        // What the applicant and the officer read is the plaintext…
        var caseView = await (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(IdentityNumber, caseView.GetRawText(), StringComparison.Ordinal);
        Assert.Contains(phone, caseView.GetRawText(), StringComparison.Ordinal);

        // …what PostgreSQL holds is not: no event of any module and no account document, and the index holds no phone.
        foreach (var secret in new[] { phone, phone[1..], IdentityNumber, "Nguyễn Văn An", Street, Email, "1990-03-15" })
        {
            Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM events.mt_events WHERE position($1 in data::text) > 0", secret));
            Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM credentials.mt_doc_account WHERE position($1 in data::text) > 0", secret));
        }
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM registration.application_index WHERE phone = $1 OR verified_phone = $1", phone));
        Assert.True(await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1) AND position('sealed:' in data::text) > 0", new[] { id, caseId }) >= 4);
        var versions = await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1)", new[] { id, caseId });

        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).StatusCode);

        // The streams are whole — same events — and load, but what identified the person reads as empty.
        Assert.Equal(versions, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE stream_id = ANY($1)", new[] { id, caseId }));
        await using var session = fixture.App.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var started = (RegistrationEvents.ApplicationStarted)(await session.Events.FetchStreamAsync(id))[0].Data;
        Assert.Equal(code, started.Declaration.BhxhCode);
        Assert.Equal(("", "", "", ""), (started.Declaration.FullName, started.Declaration.Phone, started.Declaration.IdentityDocument.Number, started.Declaration.Address.Street));
        Assert.Equal(DateOnly.MinValue, started.Declaration.DateOfBirth);
        var opened = (ApprovalEvents.CaseOpened)(await session.Events.FetchStreamAsync(caseId))[0].Data;
        Assert.Equal(("", "", ""), (opened.Declaration.FullName, opened.Declaration.IdentityNumber, opened.Declaration.Phone));
        Assert.Equal(Office, opened.OfficeCode);
        Assert.DoesNotContain(IdentityNumber, await (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadAsStringAsync(),
            StringComparison.Ordinal);
    }
}

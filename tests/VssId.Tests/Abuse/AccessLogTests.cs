using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.GuardianEnrollment;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 item 14, the failure paths of <c>GET /api/v1/account/me/access-log</c> (the reads it shows: ReviewTests, SchoolConsentTests).</summary>
public sealed class AccessLogTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    [Fact]
    public async Task A_bad_cursor_or_limit_is_a_400_a_staff_account_without_a_code_404_and_an_unread_person_an_empty_page()
    {
        var identity = new IdentityClient(fixture.App);
        var guardian = await new EnrollmentClient(fixture.App).Guardian();
        var empty = await (await identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", guardian.Token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, empty.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, empty.GetProperty("nextCursor").ValueKind);

        foreach (var cursor in new[] { "abc", "0", "-5", "99999999999999999999", "1%27%20OR%201%3D1" })
        {
            var problem = await (await identity.Send(HttpMethod.Get, $"/api/v1/account/me/access-log?cursor={cursor}", guardian.Token))
                .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("cursor", out _), cursor);
        }
        Assert.Equal(HttpStatusCode.BadRequest, (await identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log?limit=many", guardian.Token)).StatusCode);

        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        await (await identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", admin)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", null)).AssertProblem(HttpStatusCode.Unauthorized, "auth.unauthorized");
    }
}

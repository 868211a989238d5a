using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 item 10: an application's access token ends after 30 days without the applicant acting (and at the decision, see ReviewTests).</summary>
public sealed class AccessTokenExpiryTests
{
    [Fact]
    public async Task A_token_unused_for_30_days_stops_working_and_resume_gives_a_fresh_one()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Services = s => s.AddSingleton<TimeProvider>(clock),
        });
        var api = new RegistrationClient(app.CreateClient());
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await api.Ready(code, phone);
        Assert.Equal(HttpStatusCode.Accepted, (await api.Submit(id, token)).StatusCode);

        // Reading does not keep it alive, and 29 days is still inside the 30.
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).StatusCode);
        clock.Advance(TimeSpan.FromDays(1));
        await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).AssertProblem(HttpStatusCode.Unauthorized, "registration.token_expired");
        await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}/declaration.pdf", token)).AssertProblem(HttpStatusCode.Unauthorized, "registration.token_expired");

        // The verified phone gets the applicant a new token.
        var before = (await api.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Count(m => m.GetProperty("body").GetString()!.Contains("Ma xac thuc", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, (await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume", UriKind.Relative), new { bhxhCode = code, phone })).StatusCode);
        var otp = await api.LatestOtp(phone, before);
        var resumed = await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume/confirm", UriKind.Relative), new { bhxhCode = code, phone, code = otp });
        var fresh = (await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", fresh)).StatusCode);
    }
}

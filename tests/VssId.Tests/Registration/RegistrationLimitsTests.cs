using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VssId.Modules.Registration.Features.ExpireInactiveApplications;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

public sealed class RegistrationLimitsTests
{
    [Fact]
    public async Task The_same_idempotency_key_and_body_gives_one_application_and_the_same_answer()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var client = app.CreateClient();
        var declaration = RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone());
        async Task<HttpResponseMessage> Post(object body, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/registrations") { Content = JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", key);
            return await client.SendAsync(request);
        }
        var first = await Post(declaration, "key-1");
        var second = await Post(declaration, "key-1");
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(1, await VssId.Tests.Notifications.NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM registration.application_index"));

        var other = RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone());
        await (await Post(other, "key-1")).AssertProblem(HttpStatusCode.UnprocessableEntity, "idempotency.key_reused");
        Assert.Equal(HttpStatusCode.Created, (await Post(other, "key-2")).StatusCode);
        await (await Post(other, new string('k', 201))).AssertProblem(HttpStatusCode.BadRequest, "idempotency.key_invalid");
        // The stored answer holds an access token: it is encrypted at rest.
        var token = (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal(0, await VssId.Tests.Notifications.NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM marten.idempotency_requests WHERE response_protected LIKE '%' || $1 || '%'", token));
    }

    [Fact]
    public async Task Starting_beyond_the_rate_limit_is_a_429_with_retry_after()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "true", ["RateLimiting:StartPerMinute"] = "2" },
        });
        var client = app.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative),
                RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()))).StatusCode);
        }
        var refused = await client.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative),
            RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        await refused.AssertProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Drafts_expire_after_30_days_without_activity_unverified_ones_after_24_hours_and_free_the_phone()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Services = s => s.AddSingleton<TimeProvider>(clock),
        });
        var api = new RegistrationClient(app.CreateClient());
        var phone = RegistrationClient.NewPhone();
        var old = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
        await api.VerifyPhone(old.Id, old.Token, phone);
        clock.Advance(TimeSpan.FromDays(29));
        var recent = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
        await api.VerifyPhone(recent.Id, recent.Token, phone);
        var unverifiedCode = RegistrationClient.NewCode();
        var unverified = await api.Start(RegistrationClient.Declaration(unverifiedCode, phone));
        clock.Advance(TimeSpan.FromDays(1));
        // An edit is activity, but it does not keep an unverified draft alive past its 24 hours.
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Put, $"/api/v1/registrations/{unverified.Id}", unverified.Token,
            JsonContent.Create(RegistrationClient.Declaration(unverifiedCode, phone, fullName: "Trần Thị Bình")))).StatusCode);
        clock.Advance(TimeSpan.FromDays(1));

        async Task Expire()
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ExpireInactiveApplicationsJob>().Run(default);
        }
        await Expire();
        await Expire(); // idempotent
        await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{old.Id}", old.Token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{unverified.Id}", unverified.Token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{recent.Id}", recent.Token)).StatusCode);
        // The expired draft no longer counts against the phone's three verified drafts.
        for (var i = 0; i < 2; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1)); // the outbox lists newest first by this clock: keep each OTP distinguishable
            var draft = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            await api.VerifyPhone(draft.Id, draft.Token, phone);
        }
        await (await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), RegistrationClient.Declaration(RegistrationClient.NewCode(), phone)))
            .AssertProblem(HttpStatusCode.TooManyRequests, "registration.too_many_drafts");
    }
}

using System.Net;
using System.Net.Http.Json;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

/// <summary>Issue 13 item 9 (its rate limits): QR parsing and document verification are limited per client address.</summary>
public sealed class PublicRateLimitTests
{
    [Fact]
    public async Task Qr_prefill_and_document_verification_answer_429_with_retry_after_beyond_the_limit()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Roles = "api",
            Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "true", ["RateLimiting:PublicPerMinute"] = "2" },
        });
        using var client = app.CreateClient();
        var qr = new { payload = "079090001234|025123456|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20042021" };
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(new Uri("/api/v1/qr/cccd", UriKind.Relative), qr)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync(new Uri("/api/v1/qr/cccd", UriKind.Relative), qr)).StatusCode);
        var limited = await client.PostAsJsonAsync(new Uri("/api/v1/qr/cccd", UriKind.Relative), qr);
        await limited.AssertProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);

        // One bucket per address for every public endpoint: guessing verification tokens is limited the same way.
        var verify = await client.GetAsync(new Uri("/api/v1/documents/verify?token=abc", UriKind.Relative));
        await verify.AssertProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
    }

    // Each code dies after 5 wrong tries, but one address could try codes across many drafts: the confirm is limited too.
    [Fact]
    public async Task Otp_confirmation_is_limited_per_client_address_across_drafts()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "true", ["RateLimiting:PublicPerMinute"] = "3" },
        });
        var api = new VssId.Tests.Registration.RegistrationClient(app.CreateClient());
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            var draft = await api.Start(VssId.Tests.Registration.RegistrationClient.Declaration(
                VssId.Tests.Registration.RegistrationClient.NewCode(), VssId.Tests.Registration.RegistrationClient.NewPhone()));
            answers.Add((await api.Send(HttpMethod.Post, $"/api/v1/registrations/{draft.Id}/phone-verification/confirm", draft.Token,
                JsonContent.Create(new { code = "000000" }))).StatusCode);
        }
        Assert.Equal([HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.TooManyRequests], answers);
    }
}

using System.Net;
using System.Text;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

/// <summary>Every JSON endpoint of registration answers broken bodies with a 4xx problem, never a 500.</summary>
public sealed class BadInputPerEndpointTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly RegistrationClient _api = new(fixture.App.CreateClient());

    public static TheoryData<string> Bodies => new()
    {
        "{\"code\": ",
        "{\"officeCode\": 123, \"sendDeclarationByEmail\": \"yes\", \"code\": 5, \"payload\": 7, \"bhxhCode\": []}",
        "\"just a string\"",
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Json_endpoints_refuse_malformed_bodies(string body)
    {
        var (id, token) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        foreach (var (method, url) in new[]
                 {
                     (HttpMethod.Put, $"/api/v1/registrations/{id}"),
                     (HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification/confirm"),
                     (HttpMethod.Post, $"/api/v1/registrations/{id}/submit"),
                     (HttpMethod.Post, "/api/v1/registrations/resume"),
                     (HttpMethod.Post, "/api/v1/registrations/resume/confirm"),
                     (HttpMethod.Post, "/api/v1/qr/cccd"),
                     (HttpMethod.Post, "/api/v1/qr/bhyt"),
                 })
        {
            var response = await _api.Send(method, url, token, new StringContent(body, Encoding.UTF8, "application/json"));
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problemCode = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString();
            // Wrong types are unreadable (malformed); a readable body with no usable field fails validation.
            Assert.Contains(problemCode, new[] { "request.malformed", "request.validation_failed", "qr.invalid" });
        }
    }

    [Fact]
    public async Task A_malformed_otp_and_junk_qr_payloads_are_400_problems()
    {
        var (id, token) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        await (await _api.Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification/confirm", token,
            new StringContent("{\"code\":\"12ab56\"}", Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        await (await _api.Send(HttpMethod.Post, "/api/v1/qr/cccd", null,
            new StringContent("{\"payload\":\"" + new string('|', 5000) + "\"}", Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest, "qr.invalid");
        await (await _api.Send(HttpMethod.Post, "/api/v1/qr/bhyt", null,
            new StringContent("{\"payload\":null}", Encoding.UTF8, "application/json"))).AssertProblem(HttpStatusCode.BadRequest, "qr.invalid");
    }
}

using System.Net;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

/// <summary>
/// The authentication middleware — where OpenIddict's server looks at every request to find its own — runs on the
/// token, revocation, discovery and JWKS endpoints only (it cost 5 % of the Host's CPU per registration start).
/// </summary>
public sealed class AuthenticationPipelineTests
{
    [Fact]
    public async Task Request_handlers_see_the_openiddict_endpoints_only()
    {
        var seen = new List<string>();
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Services = services =>
            {
                services.AddSingleton(seen);
                services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, Watching>("watching", _ => { });
            },
        });
        var http = app.CreateUncheckedClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/api/v1/reference/rejection-reasons", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri("/.well-known/jwks", UriKind.Relative))).StatusCode);
        // A login: OpenIddict reads it, then hands it on to the next request handler and the passthrough endpoint; the
        // bearer token of a protected endpoint is checked by its policy, without the middleware.
        var token = await new VssId.Tests.Credentials.IdentityClient(app).AccessToken(
            VssId.Tests.Credentials.IdentityClient.DevAdmin, VssId.Tests.Credentials.IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/v1/admin/staff")
            { Headers = { Authorization = new("Bearer", token) } })).StatusCode);

        lock (seen)
        {
            // The JWKS was answered by OpenIddict itself, before the handlers after it.
            Assert.Equal(["/api/v1/auth/token"], seen);
        }
    }

    /// <summary>A request handler, as OpenIddict's server is one: notes every request it is shown.</summary>
    private sealed class Watching(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, List<string> seen)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder), IAuthenticationRequestHandler
    {
        public Task<bool> HandleRequestAsync()
        {
            lock (seen)
            {
                seen.Add(Request.Path.Value!);
            }
            return Task.FromResult(false);
        }

        protected override Task<AuthenticateResult> HandleAuthenticateAsync() => Task.FromResult(AuthenticateResult.NoResult());
    }
}

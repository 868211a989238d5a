using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using VssId.Modules.Credentials.Security;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Credentials;

/// <summary>Acceptance D 5–6 and the token rules: rotation, theft detection, revocation, instant disable, offline verification.</summary>
public sealed class TokenSecurityTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly IdentityClient _api = new(fixture.App);

    private static string Field(JsonElement json, string name) => json.GetProperty(name).GetString()!;

    private async Task<HttpResponseMessage> Refresh(string refreshToken) => await _api.Token(("grant_type", "refresh_token"), ("refresh_token", refreshToken));

    [Fact]
    public async Task D5_a_refresh_token_used_twice_fails_and_the_token_its_first_use_gave_stops_working()
    {
        var (code, _, password) = await _api.ActiveCitizen();
        var login = await _api.LoggedIn(code, password);
        var first = await Refresh(Field(login, "refresh_token"));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var rotated = Field(await first.Content.ReadFromJsonAsync<JsonElement>(), "refresh_token");
        Assert.NotEqual(Field(login, "refresh_token"), rotated);

        var reused = await Refresh(Field(login, "refresh_token"));
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Equal("invalid_grant", Field(await reused.Content.ReadFromJsonAsync<JsonElement>(), "error"));
        Assert.Equal(HttpStatusCode.BadRequest, (await Refresh(rotated)).StatusCode);
    }

    [Fact]
    public async Task Revoking_a_refresh_token_ends_its_family_and_any_token_gets_200()
    {
        var (code, _, password) = await _api.ActiveCitizen();
        var login = await _api.LoggedIn(code, password);
        var revoke = (string token) => _api.Http.PostAsync(new Uri("/api/v1/auth/revoke", UriKind.Relative),
            new FormUrlEncodedContent([KeyValuePair.Create("token", token)]));
        Assert.Equal(HttpStatusCode.OK, (await revoke(Field(login, "refresh_token"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Refresh(Field(login, "refresh_token"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await revoke("not-a-token")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await revoke(Field(login, "access_token"))).StatusCode);
    }

    [Theory]
    [InlineData("/api/v1/auth/token")]
    [InlineData("/api/v1/auth/token/")]
    [InlineData("/API/V1/Auth/Token")]
    public async Task The_token_endpoint_answers_as_oauth_however_its_path_is_spelled(string path)
    {
        // OpenIddict's middleware runs on its own endpoints only (IdentitySetup.UseOpenIddictEndpoints): a spelling
        // routing accepts but the middleware skipped would reach the passthrough endpoint without a request (a 500).
        var (code, _, password) = await _api.ActiveCitizen();
        // Unchecked: the contract names the canonical path only.
        using var http = fixture.App.CreateUncheckedClient();
        var login = await http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent(
            [KeyValuePair.Create("grant_type", "password"), KeyValuePair.Create("username", code), KeyValuePair.Create("password", password)]));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var unknownGrant = await http.PostAsync(new Uri(path, UriKind.Relative), new FormUrlEncodedContent([KeyValuePair.Create("grant_type", "magic")]));
        Assert.Equal(HttpStatusCode.BadRequest, unknownGrant.StatusCode);
        Assert.Equal("unsupported_grant_type", Field(await unknownGrant.Content.ReadFromJsonAsync<JsonElement>(), "error"));
    }

    [Fact]
    public async Task D5_a_disabled_officer_is_refused_at_once_and_a_password_change_ends_earlier_refresh_tokens()
    {
        var (userName, password, id) = await _api.ActiveStaff("officer", "00131");
        var login = await _api.LoggedIn(userName, password);
        var token = Field(login, "access_token");
        var me = await (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("00131", me.GetProperty("officeCode").GetString());

        // Another login's refresh token dies with a password change.
        var other = await _api.LoggedIn(userName, password);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, "/api/v1/account/password", Field(other, "access_token"),
            new { currentPassword = password, newPassword = "Phố cổ mùa đông 2026" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Refresh(Field(login, "refresh_token"))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).StatusCode);

        var fresh = await _api.AccessToken(userName, "Phố cổ mùa đông 2026");
        Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, "/api/v1/account/me", fresh)).StatusCode);
        var admin = await _api.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, $"/api/v1/admin/staff/{id}/disable", admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Send(HttpMethod.Get, "/api/v1/account/me", fresh)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Login(userName, "Phố cổ mùa đông 2026")).StatusCode);

        var staff = await (await _api.Send(HttpMethod.Get, "/api/v1/admin/staff?officeCode=00131&limit=100", admin)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(staff.GetProperty("items").EnumerateArray(), s => s.GetProperty("userName").GetString() == userName && s.GetProperty("status").GetString() == "Closed");
        var audit = await (await _api.Send(HttpMethod.Get, $"/api/v1/admin/audit?who={userName}", admin)).Content.ReadFromJsonAsync<JsonElement>();
        var actions = audit.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("staff.created", actions);
        Assert.Contains("staff.disabled", actions);
        Assert.Contains("password.changed", actions);
        Assert.Contains("login", actions);
    }

    [Fact]
    public async Task D6_a_partner_client_cannot_call_admin_endpoints_and_a_revoked_client_is_refused_at_once()
    {
        var (clientId, secret, token) = await _api.Client("partner");
        await (await _api.Send(HttpMethod.Get, "/api/v1/admin/staff", token)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        await (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        // A scope it was not granted is refused; a wrong secret is invalid_client.
        Assert.Equal("invalid_scope", Field(await (await _api.Token(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret),
            ("scope", "school:enroll"))).Content.ReadFromJsonAsync<JsonElement>(), "error"));
        Assert.Equal("invalid_client", Field(await (await _api.Token(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret + "x")))
            .Content.ReadFromJsonAsync<JsonElement>(), "error"));

        var admin = await _api.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        var clients = await (await _api.Send(HttpMethod.Get, "/api/v1/admin/clients?limit=100", admin)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.DoesNotContain(secret, clients.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Delete, $"/api/v1/admin/clients/{clientId}", admin)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Send(HttpMethod.Get, "/api/v1/admin/staff", token)).StatusCode);
        // RFC 6749 §5.2: a client that fails authentication is 401 invalid_client.
        var refused = await _api.Token(("grant_type", "client_credentials"), ("client_id", clientId), ("client_secret", secret));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("invalid_client", Field(await refused.Content.ReadFromJsonAsync<JsonElement>(), "error"));
    }

    [Fact]
    public async Task A_partner_verifies_an_access_token_offline_with_the_jwks_and_tokens_survive_a_key_rotation()
    {
        var (code, _, password) = await _api.ActiveCitizen();
        var before = await _api.AccessToken(code, password);
        var discovery = await _api.Http.GetFromJsonAsync<JsonElement>(new Uri("/.well-known/openid-configuration", UriKind.Relative));
        Assert.EndsWith("/api/v1/auth/token", Field(discovery, "token_endpoint"), StringComparison.Ordinal);
        Assert.Equal("http://localhost:8080/", Field(discovery, "issuer"));
        Assert.Contains("client_credentials", discovery.GetProperty("grant_types_supported").EnumerateArray().Select(g => g.GetString()));

        fixture.App.Services.GetRequiredService<SigningKeys>().RotateNow();
        var after = await _api.AccessToken(code, password);
        var jwks = new JsonWebKeySet(await _api.Http.GetStringAsync(new Uri("/.well-known/jwks", UriKind.Relative)));
        Assert.True(jwks.Keys.Count >= 2, "the retiring key stays published");

        var handler = new JsonWebTokenHandler();
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = Field(discovery, "issuer"), ValidAudience = "vssid-api", IssuerSigningKeys = jwks.GetSigningKeys(),
        };
        foreach (var token in new[] { before, after })
        {
            var result = await handler.ValidateTokenAsync(token, parameters);
            Assert.True(result.IsValid, result.Exception?.Message);
            Assert.Equal(code, result.Claims["preferred_username"]);
            // Served by the API as well: the key that signed it is still accepted.
            Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).StatusCode);
        }
        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);

        // A token signed by anyone else is refused.
        var forged = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Field(discovery, "issuer"), Audience = "vssid-api", Claims = new Dictionary<string, object> { ["sub"] = Guid.NewGuid().ToString(), ["role"] = "admin" },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(System.Security.Cryptography.RSA.Create(2048)), SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Send(HttpMethod.Get, "/api/v1/admin/staff", forged)).StatusCode);
    }

    [Fact]
    public async Task Staff_and_client_administration_refuse_bad_input_with_field_errors()
    {
        var admin = await _api.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        foreach (var body in new object[]
        {
            new { userName = "0120169001", fullName = "Trần Thị Lan", role = "officer", officeCode = "00131" }, // digits only: would collide with a code
            new { userName = "lan", fullName = "Trần Thị Lan", role = "officer" }, // an officer without an office
            new { userName = "lan.admin", fullName = "Trần Thị Lan", role = "root" },
            new { userName = "lan.x", fullName = "", role = "admin", officeCode = "00131" },
        })
        {
            await (await _api.Send(HttpMethod.Post, "/api/v1/admin/staff", admin, body)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        }
        await (await _api.Send(HttpMethod.Post, "/api/v1/admin/staff", admin, new { userName = "admin", fullName = "Kẻ giả mạo", role = "admin" }))
            .AssertProblem(HttpStatusCode.Conflict, "admin.user_name_taken");
        await (await _api.Send(HttpMethod.Post, "/api/v1/admin/clients", admin, new { name = "Trường", scopes = new[] { "school:enroll" } }))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        await (await _api.Send(HttpMethod.Post, "/api/v1/admin/clients", admin, new { name = "X", scopes = new[] { "root" } }))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        await (await _api.Send(HttpMethod.Post, $"/api/v1/admin/staff/{Guid.NewGuid()}/disable", admin)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Send(HttpMethod.Post, $"/api/v1/admin/staff/{VssId.Modules.Credentials.Domain.Account.IdFor("admin")}/disable", admin))
            .AssertProblem(HttpStatusCode.Conflict, "admin.cannot_disable_self");
        await (await _api.Send(HttpMethod.Delete, "/api/v1/admin/clients/nobody", admin)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Send(HttpMethod.Get, "/api/v1/admin/staff?cursor=%%%", admin)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        // Malformed OAuth requests are RFC 6749 errors, never 500.
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Token(("grant_type", "password"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Token(("grant_type", "magic"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Token(("grant_type", "refresh_token"), ("refresh_token", "garbage"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Login(new string('9', 5000), "x")).StatusCode);
    }

    [Fact]
    public async Task A_staff_user_disabled_through_another_process_is_refused_here_within_a_second()
    {
        var (userName, password, id) = await _api.ActiveStaff("officer", "00131");
        var token = await _api.AccessToken(userName, password);
        Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).StatusCode); // remembered here now

        await using (var other = new VssIdApp(fixture.ConnectionString, new VssIdAppOptions { Roles = "api" }))
        {
            var admin = new IdentityClient(other);
            var adminToken = await admin.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
            Assert.Equal(HttpStatusCode.NoContent, (await admin.Send(HttpMethod.Post, $"/api/v1/admin/staff/{id}/disable", adminToken)).StatusCode);
        }
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.True(async () => (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).StatusCode == HttpStatusCode.Unauthorized,
            because: "the other process's NOTIFY reaches this one");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"refused after {clock.Elapsed.TotalMilliseconds:F0} ms");
    }
}

using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Domain;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// The token service and the token check (ADR 0011). OpenIddict's server speaks OAuth 2.0 — token,
/// revocation, discovery and JWKS endpoints, RFC 6749 errors, JWT signing, refresh-token encryption — in
/// degraded mode: it keeps no store of its own; the decisions (who may log in, which client, which refresh
/// token is still good) are Credentials' own, on its Marten aggregates and documents. ASP.NET Core's JWT
/// bearer handler checks access tokens offline, as a partner would, plus one lookup that makes a disabled
/// account, a revoked client or a changed password refuse its tokens at once.
/// </summary>
public static class IdentitySetup
{
    public const string Audience = "vssid-api";
    public const string OfflineAccess = "offline_access";
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);
    private const string TokenEndpoint = "api/v1/auth/token", RevocationEndpoint = "api/v1/auth/revoke",
        ConfigurationEndpoint = ".well-known/openid-configuration", JwksEndpoint = ".well-known/jwks";
    private static readonly PathString[] ServerEndpoints =
        [.. new[] { TokenEndpoint, RevocationEndpoint, ConfigurationEndpoint, JwksEndpoint }.Select(path => new PathString("/" + path))];

    /// <summary>
    /// Authentication middleware for OpenIddict's own endpoints only. Its server handler would otherwise dispatch its
    /// request pipeline on every request to find it is not one of them (5 % of the Host's CPU per registration start,
    /// bench/run.sh registration); nothing else needs the middleware: every protected endpoint names its scheme in its
    /// policy, and the authorization middleware authenticates that scheme and sets the user.
    /// </summary>
    public static IApplicationBuilder UseOpenIddictEndpoints(this IApplicationBuilder app)
    {
        app.UseWhen(http => IsServerEndpoint(http.Request.Path), branch => branch.UseAuthentication());
        // WebApplication puts UseAuthentication() in front of the whole pipeline when the app has not called it, which
        // it learns from this property; the branch's call sets it on the branch's copy only.
        app.Properties[AuthenticationMiddlewareSet] = true;
        return app;
    }

    private const string AuthenticationMiddlewareSet = "__AuthenticationMiddlewareSet";

    // As routing matches them: any case, with or without a trailing slash.
    public static bool IsServerEndpoint(PathString path) =>
        new PathString(path.Value?.TrimEnd('/')) is var trimmed && ServerEndpoints.Any(endpoint => trimmed.Equals(endpoint, StringComparison.OrdinalIgnoreCase));

    public static void AddVssIdIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        var issuer = new Uri(configuration["Auth:Issuer"] ?? "http://localhost:8080/");
        services.AddSingleton<SigningKeys>();
        services.AddHostedService<SigningKeyRotation>();
        services.AddSingleton<PasswordHasher>();

        services.AddOpenIddict().AddServer(o =>
        {
            o.SetIssuer(issuer);
            o.SetTokenEndpointUris(TokenEndpoint)
                .SetRevocationEndpointUris(RevocationEndpoint)
                .SetConfigurationEndpointUris(ConfigurationEndpoint)
                .SetJsonWebKeySetEndpointUris(JwksEndpoint);
            o.AllowPasswordFlow().AllowRefreshTokenFlow().AllowClientCredentialsFlow();
            // People log in from VssID apps that hold no secret (public clients); confidential clients are
            // checked by the token handler against their hashed secret.
            o.AcceptAnonymousClients();
            o.EnableDegradedMode();
            // Plain signed JWTs: partners verify them with the JWKS.
            o.DisableAccessTokenEncryption();
            o.SetAccessTokenLifetime(AccessTokenLifetime).SetRefreshTokenLifetime(RefreshTokenLifetime);
            o.RegisterScopes(Scopes.SchoolEnroll, Scopes.Partner, OfflineAccess);
            // TLS ends at the reverse proxy (ForwardedHeaders); the Host itself listens on plain HTTP.
            o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();

            // Degraded mode wants the token request validated by a custom handler: the passthrough endpoint
            // (Features/IssueToken) authenticates the client and the person itself.
            o.AddEventHandler<ValidateTokenRequestContext>(b => b.UseInlineHandler(_ => default));
            // Revocation needs no client authentication: holding the refresh token is the proof (RFC 7009 §5 allows
            // public clients), and revoking a stolen one can only end that login.
            o.AddEventHandler<ValidateRevocationRequestContext>(b => b.UseInlineHandler(_ => default));
            o.AddEventHandler<HandleRevocationRequestContext>(b => b.UseScopedHandler<RevokeRefreshFamily>());
            o.AddEventHandler<ApplyRevocationResponseContext>(b => b.UseInlineHandler(context =>
            {
                // RFC 7009 §2.2: an invalid, expired or unknown token is not an error — 200 whatever it was,
                // so the endpoint tells nobody which tokens exist.
                if (context.Error is OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidToken
                    or OpenIddict.Abstractions.OpenIddictConstants.Errors.UnsupportedTokenType)
                {
                    context.Response.Error = null;
                    context.Response.ErrorDescription = null;
                    context.Response.ErrorUri = null;
                }
                return default;
            }).SetOrder(int.MinValue));
        });
        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeysFromRing>();
        services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>, RingChangeTokenSource>();

        services.AddAuthentication().AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new RememberingTokenHandler());
            o.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = issuer.AbsoluteUri,
                ValidAudience = Audience,
                NameClaimType = VssIdClaims.UserName,
                RoleClaimType = VssIdClaims.Role,
                ClockSkew = TimeSpan.FromSeconds(30),
            };
            o.Events = new JwtBearerEvents
            {
                OnTokenValidated = async context =>
                {
                    var stamps = context.HttpContext.RequestServices.GetRequiredService<PrincipalStamps>();
                    if (!await stamps.IsCurrent(context.Principal!, context.HttpContext.RequestAborted))
                    {
                        context.Fail("The account or client behind this token is no longer valid.");
                    }
                },
            };
        });
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<SigningKeys>((o, keys) =>
            o.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Current);
        services.AddSingleton<PrincipalStamps>();
        services.AddSingleton<VssId.BuildingBlocks.Marten.IPostgresChannel>(sp => sp.GetRequiredService<PrincipalStamps>());

        services.AddAuthorizationBuilder()
            .AddPolicy(AccessPolicies.Person, p => Person(p, Roles.Citizen, Roles.Officer, Roles.Admin).RequireAssertion(PasswordInForce))
            .AddPolicy(AccessPolicies.PasswordChange, p => Person(p, Roles.Citizen, Roles.Officer, Roles.Admin))
            .AddPolicy(AccessPolicies.Citizen, p => Person(p, Roles.Citizen).RequireAssertion(PasswordInForce))
            .AddPolicy(AccessPolicies.Officer, p => Person(p, Roles.Officer).RequireClaim(VssIdClaims.Office).RequireAssertion(PasswordInForce))
            .AddPolicy(AccessPolicies.Admin, p => Person(p, Roles.Admin).RequireAssertion(PasswordInForce))
            .AddPolicy(AccessPolicies.SchoolClient, p => Client(p, Scopes.SchoolEnroll).RequireClaim(VssIdClaims.School))
            .AddPolicy(AccessPolicies.Partner, p => Client(p, Scopes.Partner));
    }

    private static AuthorizationPolicyBuilder Person(AuthorizationPolicyBuilder policy, params string[] roles) =>
        policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser().RequireClaim(VssIdClaims.Role, roles);

    private static AuthorizationPolicyBuilder Client(AuthorizationPolicyBuilder policy, string scope) =>
        policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme).RequireAuthenticatedUser()
            .RequireAssertion(c => c.User.FindFirst(VssIdClaims.ClientId) is not null && HasScope(c.User, scope));

    // A first-login token may do one thing: change the password (403 elsewhere).
    private static bool PasswordInForce(AuthorizationHandlerContext context) => !context.User.HasClaim(VssIdClaims.PasswordChangeRequired, "true");

    public static bool HasScope(ClaimsPrincipal user, string scope) =>
        user.FindAll(VssIdClaims.Scope).SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Contains(scope, StringComparer.Ordinal);

    private sealed class ServerKeysFromRing(SigningKeys ring, ServerKeys serverKeys) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            foreach (var key in ring.Current)
            {
                options.SigningCredentials.Add(new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
            }
            // Refresh tokens are JWEs only this server reads; their key derives from the server key, so every
            // process (and a restarted one) reads them without storing another secret.
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(serverKeys.For("vssid.credentials.refresh-token-encryption")) { KeyId = "vssid-rt-1" },
                SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }

    private sealed class RingChangeTokenSource(SigningKeys ring) : IOptionsChangeTokenSource<OpenIddictServerOptions>
    {
        public string? Name => Options.DefaultName;

        public Microsoft.Extensions.Primitives.IChangeToken GetChangeToken() => ring.Changed();
    }
}

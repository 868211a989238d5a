using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Serialization;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using VssId.BuildingBlocks.Idempotency;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Security;
using VssId.Modules.Notifications.Contracts;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace VssId.Modules.Credentials.Features.IssueToken;

/// <summary>A token request OpenIddict has parsed (and, for a refresh, whose refresh token it has decrypted and checked).</summary>
public sealed record IssueToken(OpenIddictRequest Request, ClaimsPrincipal? RefreshTokenPrincipal, string? Address) : ICommand<TokenOutcome>;

/// <summary>What the token endpoint answers.</summary>
public abstract record TokenOutcome;

/// <summary>Tokens for <see cref="Principal"/>; a first login says it must change the password.</summary>
public sealed record TokenGranted(ClaimsPrincipal Principal, bool PasswordChangeRequired) : TokenOutcome;

/// <summary>An RFC 6749 §5.2 error with its HTTP status (400, or the spec's 401 <c>otp_required</c> and 423 locked).</summary>
public sealed record TokenRefused(int Status, string Error, string Description) : TokenOutcome;

/// <summary>The form of <c>POST /api/v1/auth/token</c> (RFC 6749), as Swagger shows it.</summary>
public sealed record TokenRequest
{
    [Required, AllowedValues("password", "refresh_token", "client_credentials")]
    [JsonPropertyName("grant_type")] public string GrantType { get; init; } = "";
    /// <summary>Mã số BHXH, or a staff user name (grant_type=password).</summary>
    [JsonPropertyName("username")] public string? Username { get; init; }
    [JsonPropertyName("password")] public string? Password { get; init; }
    /// <summary>The SmartOTP code, once SmartOTP is enabled.</summary>
    [JsonPropertyName("otp")] public string? Otp { get; init; }
    [JsonPropertyName("refresh_token")] public string? RefreshToken { get; init; }
    [JsonPropertyName("client_id")] public string? ClientId { get; init; }
    [JsonPropertyName("client_secret")] public string? ClientSecret { get; init; }
    /// <summary>Space-separated: <c>school:enroll</c>, <c>partner</c> (client_credentials).</summary>
    [JsonPropertyName("scope")] public string? Scope { get; init; }
}

/// <summary>The RFC 6749 §5.1 answer.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn)
{
    [JsonPropertyName("refresh_token"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? RefreshToken { get; init; }
    [JsonPropertyName("scope"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Scope { get; init; }
    [JsonPropertyName("password_change_required"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? PasswordChangeRequired { get; init; }
}

/// <summary>An RFC 6749 §5.2 error (not a problem+json: OAuth clients read this shape).</summary>
public sealed record OAuthError([property: JsonPropertyName("error")] string Error)
{
    [JsonPropertyName("error_description"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ErrorDescription { get; init; }
    [JsonPropertyName("error_uri"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? ErrorUri { get; init; }
}

/// <summary>
/// Decides a token request: the person's password (and SmartOTP code), the client's secret, or the refresh
/// token's family. Lock-out, the first-login restriction and refresh rotation are decided here; OpenIddict
/// then signs what is granted.
/// </summary>
public sealed class IssueTokenHandler(
    IDocumentSession session,
    PasswordHasher hasher,
    SmartOtp smartOtp,
    IMessageSender messages,
    AuditTrail audit,
    TimeProvider time,
    ILogger<IssueTokenHandler> logger) : ICommandHandler<IssueToken, TokenOutcome>
{
    public const string AccountLocked = "account_locked";
    public const string OtpRequired = "otp_required";

    private static readonly TokenRefused BadCredentials = new(400, Errors.InvalidGrant,
        "Tên đăng nhập hoặc mật khẩu không đúng. · The user name or password is wrong.");

    public async ValueTask<TokenOutcome> Handle(IssueToken command, CancellationToken cancellationToken)
    {
        var request = command.Request;
        if (request.IsPasswordGrantType())
        {
            return await Password(request, command.Address, cancellationToken);
        }
        if (request.IsRefreshTokenGrantType() && command.RefreshTokenPrincipal is { } refreshed)
        {
            return await Refresh(refreshed, request.ClientId, command.Address, cancellationToken);
        }
        if (request.IsClientCredentialsGrantType())
        {
            return await ClientCredentials(request, command.Address, cancellationToken);
        }
        return new TokenRefused(400, Errors.UnsupportedGrantType, "Loại cấp quyền không được hỗ trợ. · The grant type is not supported.");
    }

    private async Task<TokenOutcome> Password(OpenIddictRequest request, string? address, CancellationToken cancellationToken)
    {
        var userName = (request.Username ?? "").Trim();
        var password = request.Password ?? "";
        var now = time.GetUtcNow();
        // A partner app may log its users in with its own credentials: their tokens name it (azp), and the
        // interactive checks meant for people at a screen (the captcha) trust it instead.
        string? partner = null;
        if (!string.IsNullOrEmpty(request.ClientId))
        {
            var client = request.ClientId.Length <= 64 ? await session.LoadAsync<ApiClient>(request.ClientId, cancellationToken) : null;
            if (client is null || client.Revoked || !client.Scopes.Contains(VssId.BuildingBlocks.Security.Scopes.Partner) || !client.SecretMatches(request.ClientSecret ?? ""))
            {
                await Audit(request.ClientId, AuditActions.LoginRefused, false, request.ClientId, address, "bad_client", cancellationToken);
                return new TokenRefused(400, Errors.InvalidClient, "Ứng dụng hoặc khóa bí mật không đúng. · The client or its secret is wrong.");
            }
            partner = client.Id;
        }
        var account = userName.Length is > 0 and <= 64 ? await session.LoadAsync<Account>(Account.IdFor(userName), cancellationToken) : null;
        if (account is null || account.Closed)
        {
            // The same Argon2id work as a wrong password: the answer and its timing say nothing about the name.
            await hasher.VerifyDummyAsync(password, cancellationToken);
            await Audit(userName, AuditActions.LoginRefused, false, request.ClientId, address, "unknown_or_closed", cancellationToken);
            return BadCredentials;
        }
        if (account.StatusAt(now) == AccountStatus.Locked)
        {
            await Audit(account.UserName, AuditActions.LoginRefused, false, request.ClientId, address, "locked", cancellationToken);
            return Locked(account.LockedUntil!.Value);
        }
        if (!await hasher.VerifyAsync(password, account.PasswordHash, cancellationToken) || account.PasswordExpired(now))
        {
            return await Refuse(account, request.ClientId, address, account.PasswordExpired(now) ? "password_expired" : "wrong_password", cancellationToken);
        }
        var events = new List<object>(account.AcceptPassword(now));
        if (account.SmartOtpEnabledNow)
        {
            var code = request.GetParameter("otp")?.ToString();
            if (string.IsNullOrEmpty(code))
            {
                // The password was right: only now is it safe to ask for the second factor.
                await Audit(account.UserName, AuditActions.LoginRefused, false, request.ClientId, address, "otp_required", cancellationToken);
                return new TokenRefused(401, OtpRequired, "Tài khoản đã bật SmartOTP: gửi kèm mã `otp`. · SmartOTP is enabled: send the `otp` code.");
            }
            if (smartOtp.Verify(account, code) is not { } step)
            {
                return await Refuse(account, request.ClientId, address, "wrong_otp", cancellationToken);
            }
            events.Add(new SmartOtpUsed(step, now));
        }
        if (events.Count > 0)
        {
            session.Events.Append(account.Id, events);
            await SaveRacingLogins(cancellationToken);
        }
        var family = account.MustChangePassword ? (Guid?)null : await StartFamily(account.Id.ToString(), partner, now, cancellationToken);
        await Audit(account.UserName, AuditActions.Login, true, request.ClientId, address, null, cancellationToken);
        return new TokenGranted(PersonPrincipal(account, family, 0, partner), account.MustChangePassword);
    }

    private async Task<TokenOutcome> Refuse(Account account, string? clientId, string? address, string why, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var events = account.RefusePassword(now);
        session.Events.Append(account.Id, events);
        await SaveRacingLogins(cancellationToken);
        await Audit(account.UserName, AuditActions.LoginRefused, false, clientId, address, why, cancellationToken);
        if (events.OfType<AccountLocked>().FirstOrDefault() is { } locked)
        {
            await Audit(account.UserName, AuditActions.Locked, true, clientId, address, null, cancellationToken);
            if (account.Phone is { } phone)
            {
                // One SMS per lock: the id is the lock's own.
                await messages.SendSms(new SmsRequest(DerivedId.FromKey("vssid.account-locked", $"{account.Id:N}:{locked.Until.UtcTicks}"), phone,
                    MessageTemplates.AccountLocked,
                    new Dictionary<string, string> { ["minutes"] = ((int)Account.LockDuration.TotalMinutes).ToString(CultureInfo.InvariantCulture) },
                    [account.UserName]), cancellationToken);
            }
            logger.LogWarning("Account {AccountId} locked after {Failures} refused logins", account.Id, Account.MaxFailedLogins);
        }
        return BadCredentials;
    }

    private async Task<TokenOutcome> Refresh(ClaimsPrincipal refreshed, string? clientId, string? address, CancellationToken cancellationToken)
    {
        var subject = refreshed.FindFirst(VssIdClaims.Subject)?.Value;
        if (!Guid.TryParse(refreshed.FindFirst(VssIdClaims.Family)?.Value, out var familyId)
            || !int.TryParse(refreshed.FindFirst(VssIdClaims.Generation)?.Value, CultureInfo.InvariantCulture, out var generation)
            || !Guid.TryParse(subject, out var accountId))
        {
            return Expired();
        }
        var family = await session.LoadAsync<RefreshFamily>(familyId, cancellationToken);
        if (family is null || family.RevokedAt is not null)
        {
            return Expired();
        }
        var now = time.GetUtcNow();
        if (family.Generation != generation)
        {
            // An older refresh token came back: someone holds a copy. End the whole login.
            session.Store(family with { RevokedAt = now, RevokedBecause = "reuse" });
            try
            {
                await session.SaveChangesAsync(cancellationToken);
            }
            catch (ConcurrencyException)
            {
                // Another request changed the family at the same moment; the reuse is still refused below.
            }
            await Audit(refreshed.FindFirst(VssIdClaims.UserName)?.Value ?? subject!, AuditActions.RefreshReuse, false, clientId, address, null, cancellationToken);
            logger.LogWarning("Refresh token reuse detected for family {FamilyId}; the family is revoked", familyId);
            return Expired();
        }
        var account = await session.LoadAsync<Account>(accountId, cancellationToken);
        if (account is null || account.Closed
            || refreshed.FindFirst(VssIdClaims.Stamp)?.Value != account.SecurityStamp.ToString(CultureInfo.InvariantCulture))
        {
            return Expired();
        }
        // A login through a partner app ends when the app's access is revoked.
        if (family.ClientId is { } partner && await session.LoadAsync<ApiClient>(partner, cancellationToken) is not { Revoked: false })
        {
            return Expired();
        }
        // Two refreshes of one token at the same moment: the family's version decides, one wins, the other is refused.
        session.Store(family with { Generation = generation + 1 });
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ConcurrencyException)
        {
            return Expired();
        }
        return new TokenGranted(PersonPrincipal(account, familyId, generation + 1, family.ClientId), false);
    }

    private async Task<TokenOutcome> ClientCredentials(OpenIddictRequest request, string? address, CancellationToken cancellationToken)
    {
        var clientId = request.ClientId ?? "";
        var client = clientId.Length is > 0 and <= 64 ? await session.LoadAsync<ApiClient>(clientId, cancellationToken) : null;
        if (client is null || client.Revoked || !client.SecretMatches(request.ClientSecret ?? ""))
        {
            await Audit(clientId, AuditActions.LoginRefused, false, clientId, address, "bad_client", cancellationToken);
            return new TokenRefused(400, Errors.InvalidClient, "Ứng dụng hoặc khóa bí mật không đúng. · The client or its secret is wrong.");
        }
        var requested = request.GetScopes();
        if (requested.Except(client.Scopes).Any())
        {
            return new TokenRefused(400, Errors.InvalidScope, "Ứng dụng không được cấp phạm vi này. · The client is not granted this scope.");
        }
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, VssIdClaims.UserName, VssIdClaims.Role);
        identity.SetClaim(Claims.Subject, client.Id).SetClaim(VssIdClaims.ClientId, client.Id).SetClaim(Claims.Name, client.Name);
        if (client.SchoolCode is { } school)
        {
            identity.SetClaim(VssIdClaims.School, school);
        }
        if (client.OfficeCode is { } office)
        {
            identity.SetClaim(VssIdClaims.Office, office);
        }
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(requested.IsEmpty ? client.Scopes : requested);
        principal.SetResources(IdentitySetup.Audience);
        principal.SetDestinations(_ => [Destinations.AccessToken]);
        await Audit(client.Id, AuditActions.Login, true, client.Id, address, null, cancellationToken);
        return new TokenGranted(principal, false);
    }

    private static ClaimsPrincipal PersonPrincipal(Account account, Guid? family, int generation, string? partner)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, VssIdClaims.UserName, VssIdClaims.Role);
        identity.SetClaim(Claims.Subject, account.Id.ToString())
            .SetClaim(VssIdClaims.UserName, account.UserName)
            .SetClaim(VssIdClaims.Role, account.Role)
            .SetClaim(VssIdClaims.Stamp, account.SecurityStamp.ToString(CultureInfo.InvariantCulture));
        if (account.OfficeCode is { } office && account.Role == Roles.Officer)
        {
            identity.SetClaim(VssIdClaims.Office, office);
        }
        if (account.MustChangePassword)
        {
            identity.SetClaim(VssIdClaims.PasswordChangeRequired, "true");
        }
        if (partner is not null)
        {
            identity.SetClaim(VssIdClaims.AuthorizedParty, partner);
        }
        if (family is { } id)
        {
            identity.SetClaim(VssIdClaims.Family, id.ToString()).SetClaim(VssIdClaims.Generation, generation.ToString(CultureInfo.InvariantCulture));
        }
        var principal = new ClaimsPrincipal(identity);
        principal.SetResources(IdentitySetup.Audience);
        // A refresh token only for a login that may do something: the first-login token must change the password first.
        principal.SetScopes(family is null ? [] : [IdentitySetup.OfflineAccess]);
        // The refresh-token bookkeeping stays in the refresh token (which holds every claim), out of the access token.
        principal.SetDestinations(claim => claim.Type is VssIdClaims.Family or VssIdClaims.Generation ? [] : [Destinations.AccessToken]);
        return principal;
    }

    private async Task<Guid> StartFamily(string subject, string? partner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var family = new RefreshFamily { Id = Guid.CreateVersion7(), Subject = subject, ClientId = partner, Generation = 0, CreatedAt = now };
        session.Insert(family);
        await session.SaveChangesAsync(cancellationToken);
        return family.Id;
    }

    private async Task SaveRacingLogins(CancellationToken cancellationToken)
    {
        // Concurrent wrong passwords append to one stream; without a version check none is lost (the count may
        // exceed five by the racers, which only locks sooner).
        await session.SaveChangesAsync(cancellationToken);
    }

    private Task Audit(string actor, string action, bool succeeded, string? clientId, string? address, string? detail, CancellationToken cancellationToken) =>
        audit.Record(new AuditEntry(actor.Length > 64 ? actor[..64] : actor, action, actor.Length > 64 ? actor[..64] : actor, succeeded, clientId, address, detail), cancellationToken);

    private static TokenRefused Locked(DateTimeOffset until) => new(423, AccountLocked,
        $"Tài khoản tạm khóa do nhập sai mật khẩu nhiều lần, đến {until:yyyy-MM-ddTHH:mm:ssZ}; dùng \"Quên mật khẩu\" để mở lại ngay. · "
        + $"The account is locked after repeated wrong passwords until {until:yyyy-MM-ddTHH:mm:ssZ}; recover the password to unlock it now.");

    private static TokenRefused Expired() => new(400, Errors.InvalidGrant,
        "Phiên đăng nhập đã hết hạn hoặc bị thu hồi; hãy đăng nhập lại. · The session has expired or was revoked; log in again.");
}

/// <summary>
/// <c>POST /api/v1/auth/token</c>. OpenIddict parses the request first (malformed ones never get here) and
/// signs what this endpoint grants.
/// </summary>
public sealed class IssueTokenEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("auth/token", async (HttpContext http, ISender sender, CancellationToken ct) =>
            {
                var request = http.GetOpenIddictServerRequest()
                    ?? throw new InvalidOperationException("OpenIddict handles /api/v1/auth/token before this endpoint.");
                var refreshed = request.IsRefreshTokenGrantType()
                    ? (await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme)).Principal
                    : null;
                var outcome = await sender.Send(new IssueToken(request, refreshed, http.Connection.RemoteIpAddress?.ToString()), ct);
                http.Response.Headers.CacheControl = "no-store";
                return outcome switch
                {
                    TokenGranted granted => Results.SignIn(granted.Principal, new AuthenticationProperties(
                            new Dictionary<string, string?>(),
                            granted.PasswordChangeRequired ? new Dictionary<string, object?> { ["password_change_required"] = true } : null),
                        OpenIddictServerAspNetCoreDefaults.AuthenticationScheme),
                    TokenRefused { Status: 400 } refused => Results.Forbid(new AuthenticationProperties(new Dictionary<string, string?>
                        {
                            [OpenIddictServerAspNetCoreConstants.Properties.Error] = refused.Error,
                            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = refused.Description,
                        }), [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]),
                    TokenRefused refused => Results.Json(new OAuthError(refused.Error) { ErrorDescription = refused.Description }, statusCode: refused.Status),
                    _ => throw new InvalidOperationException("Unknown token outcome."),
                };
            })
            .WithMetadata(new NotIdempotent())
            .RequireRateLimiting(CredentialsModule.LoginRateLimit)
            .Accepts<TokenRequest>("application/x-www-form-urlencoded")
            .Produces<TokenResponse>(StatusCodes.Status200OK, "application/json")
            .Produces<OAuthError>(StatusCodes.Status400BadRequest, "application/json")
            .Produces<OAuthError>(StatusCodes.Status401Unauthorized, "application/json")
            .Produces<OAuthError>(StatusCodes.Status423Locked, "application/json")
            .WithName("IssueToken")
            .WithSummary("Đăng nhập, làm mới, cấp token cho ứng dụng · Log in, refresh, client credentials (OAuth 2.0)")
            .WithDescription("""
                OAuth 2.0 (RFC 6749), form `application/x-www-form-urlencoded`; lỗi theo RFC 6749 §5.2 (không phải problem+json).
                - `grant_type=password&username={mã số BHXH hoặc tên cán bộ}&password=…[&otp=…]`: lần đầu đăng nhập trả `password_change_required: true`
                  và token đó chỉ dùng được để đổi mật khẩu. Sai tên hoặc sai mật khẩu đều là `invalid_grant`; 5 lần sai → khóa 15 phút (423).
                  Đã bật SmartOTP mà thiếu `otp` → 401 `otp_required`.
                - `grant_type=refresh_token&refresh_token=…`: mỗi lần dùng trả refresh token mới; dùng lại token cũ → cả chuỗi bị thu hồi.
                - `grant_type=client_credentials&client_id&client_secret&scope`: ứng dụng đối tác / cổng trường học.

                Access token là JWT ký RS256, sống 15 phút, kiểm tra được bằng JWKS tại `/.well-known/jwks`.
                """);
    }
}

/// <summary>The answer of a revocation: always an empty JSON object.</summary>
public sealed record RevokeResponse;

/// <summary>The form of <c>POST /api/v1/auth/revoke</c> (RFC 7009).</summary>
public sealed record RevokeRequest
{
    [Required, JsonPropertyName("token")] public string Token { get; init; } = "";
    [AllowedValues("refresh_token", "access_token"), JsonPropertyName("token_type_hint")] public string? TokenTypeHint { get; init; }
}

/// <summary>
/// <c>POST /api/v1/auth/revoke</c>, mapped for its place in the contract: OpenIddict answers this path itself
/// (RevokeRefreshFamily does the revoking) before routing would reach this delegate.
/// </summary>
public sealed class RevokeTokenEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("auth/revoke", () => Results.Problem("OpenIddict answers /api/v1/auth/revoke before routing.", statusCode: StatusCodes.Status500InternalServerError))
            .WithMetadata(new NotIdempotent())
            .Accepts<RevokeRequest>("application/x-www-form-urlencoded")
            .Produces<RevokeResponse>(StatusCodes.Status200OK, "application/json")
            .Produces<OAuthError>(StatusCodes.Status400BadRequest, "application/json")
            .WithName("RevokeToken")
            .WithSummary("Đăng xuất: thu hồi refresh token · Log out: revoke a refresh token (RFC 7009)")
            .WithDescription("Luôn trả 200 (kể cả token sai hoặc đã hết hạn). Refresh token và cả chuỗi refresh token của lần đăng nhập đó ngừng hoạt động. "
                + "Access token (JWT, 15 phút) không thu hồi được từng cái; đổi mật khẩu hoặc vô hiệu hóa tài khoản làm mọi token bị từ chối ngay.");
}

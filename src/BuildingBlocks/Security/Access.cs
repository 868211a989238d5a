using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.BuildingBlocks.Security;

/// <summary>Roles of people (<c>api.md</c>): a token carries exactly one.</summary>
public static class Roles
{
    public const string Citizen = "citizen";
    public const string Officer = "officer";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> Staff = [Officer, Admin];
}

/// <summary>Scopes of API clients (<c>api.md</c>).</summary>
public static class Scopes
{
    public const string SchoolEnroll = "school:enroll";
    public const string Partner = "partner";

    public static readonly IReadOnlyList<string> All = [SchoolEnroll, Partner];
}

/// <summary>The claims VssId puts in its access tokens beside the registered ones (<c>sub</c>, <c>scope</c>, …).</summary>
public static class VssIdClaims
{
    public const string Subject = "sub";
    public const string UserName = "preferred_username";
    public const string Role = "role";
    public const string Office = "office";
    public const string School = "school";
    public const string ClientId = "client_id";
    public const string Scope = "scope";

    /// <summary>On a person's token: the partner app they logged in through (OpenID Connect "authorized party").</summary>
    public const string AuthorizedParty = "azp";

    /// <summary>The account's or client's security stamp when the token was issued (a later change refuses it).</summary>
    public const string Stamp = "vssid_stamp";

    /// <summary>"true" on the token of a first login: it may only change the password.</summary>
    public const string PasswordChangeRequired = "vssid_pcr";

    /// <summary>The refresh-token family (a login) and the generation within it.</summary>
    public const string Family = "vssid_family";
    public const string Generation = "vssid_gen";
}

/// <summary>
/// Who may call an endpoint. Every protected endpoint names one policy; the matrix test reads it, and
/// Swagger shows the lock and the 401/403 it implies.
/// </summary>
public static class AccessPolicies
{
    /// <summary>Any person (citizen or staff) whose password is in force.</summary>
    public const string Person = "person";

    /// <summary>Any person, including the token of a first login that must change its password.</summary>
    public const string PasswordChange = "password-change";

    /// <summary>Role <c>citizen</c> (account holders: guardians).</summary>
    public const string Citizen = "citizen";

    /// <summary>Role <c>officer</c> (bound to one office: check the office per resource).</summary>
    public const string Officer = "officer";

    /// <summary>Role <c>admin</c>.</summary>
    public const string Admin = "admin";

    /// <summary>An API client with scope <c>school:enroll</c> (bound to one school: check it per resource).</summary>
    public const string SchoolClient = "school-client";

    /// <summary>An API client with scope <c>partner</c>.</summary>
    public const string Partner = "partner";

    public static readonly IReadOnlyList<string> All = [Person, PasswordChange, Citizen, Officer, Admin, SchoolClient, Partner];
}

/// <summary>The policy an endpoint requires, as metadata the contract and the matrix test read.</summary>
public sealed record AccessPolicy(string Name);

/// <summary>Declaring who may call an endpoint.</summary>
public static class AccessConventions
{
    /// <summary>Requires <paramref name="policy"/> (see <see cref="AccessPolicies"/>); documents the bearer token, 401 and 403.</summary>
    public static TBuilder RequireAccess<TBuilder>(this TBuilder builder, string policy) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy).WithMetadata(new AccessPolicy(policy)).WithBearerToken();

    /// <summary>The caller's subject (account id or client id).</summary>
    public static string Subject(this ClaimsPrincipal user) =>
        user.FindFirst(VssIdClaims.Subject)?.Value ?? throw new InvalidOperationException("An authorised principal has a subject.");

    /// <summary>The office an officer is bound to, if any.</summary>
    public static string? Office(this ClaimsPrincipal user) => user.FindFirst(VssIdClaims.Office)?.Value;

    /// <summary>The school a school client is bound to, if any.</summary>
    public static string? School(this ClaimsPrincipal user) => user.FindFirst(VssIdClaims.School)?.Value;

    /// <summary>The partner app a person's token was obtained through, if any.</summary>
    public static string? AuthorizedParty(this ClaimsPrincipal user) => user.FindFirst(VssIdClaims.AuthorizedParty)?.Value;

    /// <summary>The caller as the audit trail names it.</summary>
    public static string Actor(this HttpContext http) =>
        http.User.FindFirst(VssIdClaims.UserName)?.Value ?? http.User.FindFirst(VssIdClaims.ClientId)?.Value ?? "anonymous";
}

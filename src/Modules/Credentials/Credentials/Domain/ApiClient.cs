using System.Security.Cryptography;
using System.Text;

namespace VssId.Modules.Credentials.Domain;

/// <summary>
/// A third-party application or school portal calling the API with <c>client_credentials</c>. The secret is
/// shown once and kept as a SHA-256 hash: it is 256 random bits, so a slow hash adds nothing (unlike a
/// person's password) and every client call would pay for it.
/// </summary>
public sealed record ApiClient
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string SecretHash { get; init; }
    public required IReadOnlyList<string> Scopes { get; init; }
    public string? SchoolCode { get; init; }
    public string? OfficeCode { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool Revoked => RevokedAt is not null;

    public static string NewId() => "vssid_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string HashSecret(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    public bool SecretMatches(string secret) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(HashSecret(secret)), Encoding.ASCII.GetBytes(SecretHash));
}

/// <summary>
/// One login's chain of refresh tokens. Each refresh token carries the generation it was issued at; only the
/// latest generation may be used, once. Presenting an older one means a copy exists somewhere else: the whole
/// family is revoked (theft detection, <c>api.md</c>).
/// </summary>
public sealed record RefreshFamily
{
    public Guid Id { get; init; }
    public required string Subject { get; init; }

    /// <summary>The partner app the holder logged in through, if any (its revocation ends the login).</summary>
    public string? ClientId { get; init; }
    public int Generation { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }
    public string? RevokedBecause { get; init; }
}

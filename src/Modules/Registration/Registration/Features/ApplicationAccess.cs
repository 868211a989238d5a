using System.Security.Cryptography;
using System.Text;
using Marten;
using JasperFx.Events;
using Microsoft.AspNetCore.Http;
using VssId.BuildingBlocks.Errors;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features;

/// <summary>
/// The anonymous applicant's key: the application id and 256 random bits, shown once at creation (or at
/// resume), kept only as its SHA-256 (a fast hash is enough for that entropy). It opens its own
/// application and nothing else: no or an unknown token is 401; a token of another application is
/// 404, so nobody learns whether an application id exists. Carrying the id lets that check load the
/// token's own application by key instead of searching an index on every write. The token ends with
/// the office's final decision (the account takes over, or there is nothing left to do) and after 30
/// days without the applicant's activity; resume gives a fresh one to the verified phone.
/// </summary>
internal static class ApplicationAccess
{
    public static (string Token, string Hash) NewToken(Guid applicationId)
    {
        var bytes = new byte[48];
        applicationId.TryWriteBytes(bytes);
        RandomNumberGenerator.Fill(bytes.AsSpan(16));
        var token = Base64Url(bytes);
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 && header.Length < 200 ? header[7..].Trim() : null;
    }

    public static async Task<Application> Load(IQuerySession session, Guid id, string? token, TimeProvider time, CancellationToken cancellationToken)
    {
        var hash = HashOf(token);
        // No application has the empty id (Marten refuses it as a stream id): answer as for any other unknown id.
        var application = id == Guid.Empty ? null : await session.Events.AggregateStreamAsync<Application>(id, token: cancellationToken);
        return await Authorize(session, id, token!, hash, application, time, cancellationToken);
    }

    /// <summary>
    /// The application's stream for a decision, after the same checks as <see cref="Load"/>: one read serves
    /// both, and Marten checks on save that no other write came in between.
    /// </summary>
    public static async Task<IEventStream<Application>> LoadForWriting(IDocumentSession session, Guid id, string? token, long? ifMatch,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var hash = HashOf(token);
        if (id == Guid.Empty)
        {
            await Authorize(session, id, token!, hash, null, time, cancellationToken);
        }
        var stream = await session.Events.FetchForWriting<Application>(id, cancellationToken);
        EnsureVersion(await Authorize(session, id, token!, hash, stream.Aggregate, time, cancellationToken), ifMatch);
        return stream;
    }

    private static string HashOf(string? token) =>
        string.IsNullOrEmpty(token) ? throw new ProblemException(CommonProblems.Unauthorized) : Hash(token);

    private static async Task<Application> Authorize(IQuerySession session, Guid id, string token, string hash, Application? application,
        TimeProvider time, CancellationToken cancellationToken)
    {
        if (Opens(application, hash))
        {
            return application!.Status is ApplicationStatus.Withdrawn or ApplicationStatus.Expired
                ? throw new ProblemException(CommonProblems.NotFound)
                : application.AccessTokenExpiredAt(time.GetUtcNow())
                    ? throw new ProblemException(RegistrationProblems.AccessTokenExpired)
                    : application;
        }
        var owner = OwnerOf(token);
        var known = owner is { } other && other != id && Opens(await session.Events.AggregateStreamAsync<Application>(other, token: cancellationToken), hash);
        throw new ProblemException(known ? CommonProblems.NotFound : CommonProblems.Unauthorized);
    }

    private static bool Opens(Application? application, string hash) =>
        application is not null && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(application.AccessTokenHash), Encoding.ASCII.GetBytes(hash));

    private static Guid? OwnerOf(string token)
    {
        Span<byte> bytes = stackalloc byte[48];
        try
        {
            return System.Buffers.Text.Base64Url.TryDecodeFromChars(token, bytes, out var written) && written == 48 ? new Guid(bytes[..16]) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>Optimistic concurrency: <c>If-Match</c> with the ETag the caller read, if any.</summary>
    public static long? IfMatch(HttpRequest request)
    {
        var value = request.Headers.IfMatch.ToString().Trim();
        if (value.Length == 0 || value == "*")
        {
            return null;
        }
        return long.TryParse(value.Replace("W/", "", StringComparison.Ordinal).Trim('"'), out var version)
            ? version
            : throw new ProblemException(RegistrationProblems.PreconditionFailed);
    }

    public static void EnsureVersion(Application application, long? expected)
    {
        if (expected is { } version && version != application.StreamVersion)
        {
            throw new ProblemException(RegistrationProblems.PreconditionFailed);
        }
    }

    public static string ETag(long version) => $"\"{version}\"";

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
}

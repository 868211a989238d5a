using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using VssId.BuildingBlocks.Http;

namespace VssId.BuildingBlocks.Errors;

/// <summary>Builds the RFC 9457 body every error answer of the API has.</summary>
public static class ProblemWriter
{
    /// <summary>The media type of every error answer.</summary>
    public const string ContentType = "application/problem+json";

    /// <summary>The problem for the request's language, with <c>code</c> and <c>traceId</c>.</summary>
    public static Problem Create(HttpContext http, ProblemType type, LocalizedText? detail = null,
        IReadOnlyList<(string Field, FieldError Error)>? errors = null)
    {
        var language = Language.FromAcceptLanguage(http.Request.Headers.AcceptLanguage);
        var hasErrors = errors is { Count: > 0 };
        return new Problem(
            type.TypeUri,
            type.Title.In(language),
            type.Status,
            detail?.In(language),
            http.Request.Path,
            type.Code,
            Activity.Current?.Id ?? http.TraceIdentifier,
            hasErrors
                ? errors!.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Error.Message.In(language)).ToArray())
                : null,
            // The stable codes per field, for apps that show their own texts.
            hasErrors ? errors!.Select(e => new ProblemFieldError(e.Field, e.Error.Code, e.Error.Message.In(language))).ToArray() : null);
    }

    /// <summary>Writes the problem as <c>application/problem+json</c>, with <c>Retry-After</c> when given.</summary>
    public static Task WriteAsync(HttpContext http, ProblemType type, LocalizedText? detail = null,
        IReadOnlyList<(string Field, FieldError Error)>? errors = null, TimeSpan? retryAfter = null)
    {
        var problem = Create(http, type, detail, errors);
        http.Response.StatusCode = type.Status;
        if (retryAfter is { } wait)
        {
            RetryAfter.Set(http.Response, wait);
        }
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, ContentType, http.RequestAborted);
    }
}

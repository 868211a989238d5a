using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace VssId.BuildingBlocks.Errors;

/// <summary>Builds the RFC 9457 body every error answer of the API has.</summary>
public static class ProblemWriter
{
    /// <summary>The problem for the request's language, with <c>code</c> and <c>traceId</c>.</summary>
    public static ProblemDetails Create(HttpContext http, ProblemType type, LocalizedText? detail = null,
        IReadOnlyList<(string Field, FieldError Error)>? errors = null)
    {
        var language = Language.FromAcceptLanguage(http.Request.Headers.AcceptLanguage);
        var problem = new ProblemDetails
        {
            Type = type.TypeUri,
            Title = type.Title.In(language),
            Status = type.Status,
            Detail = detail?.In(language),
            Instance = http.Request.Path,
        };
        problem.Extensions["code"] = type.Code;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? http.TraceIdentifier;
        if (errors is { Count: > 0 })
        {
            problem.Extensions["errors"] = errors
                .GroupBy(e => e.Field)
                .ToDictionary(g => g.Key, g => g.Select(e => e.Error.Message.In(language)).ToArray());
            // The stable codes per field, for apps that show their own texts.
            problem.Extensions["fieldErrors"] = errors
                .Select(e => new { field = e.Field, code = e.Error.Code, message = e.Error.Message.In(language) })
                .ToArray();
        }
        return problem;
    }

    /// <summary>Writes the problem as <c>application/problem+json</c>.</summary>
    public static Task WriteAsync(HttpContext http, ProblemType type, LocalizedText? detail = null,
        IReadOnlyList<(string Field, FieldError Error)>? errors = null)
    {
        var problem = Create(http, type, detail, errors);
        http.Response.StatusCode = type.Status;
        return http.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null,
            "application/problem+json", http.RequestAborted);
    }

    /// <summary>A typed result for endpoints that answer a problem without throwing.</summary>
    public static IResult Result(HttpContext http, ProblemType type, LocalizedText? detail = null) =>
        TypedResults.Problem(Create(http, type, detail));
}

using System.Text.Json;
using JasperFx;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VssId.BuildingBlocks.Errors;

/// <summary>
/// The one place exceptions become answers. Known problems keep their status; anything else is a 500
/// that shows only the trace id, so no internal detail (or personal data in a message) leaves the server.
/// </summary>
public sealed class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    // Every 429 says when to come back (RFC 6585); a refusal that knows no better time says a minute.
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(60);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // A notification's handlers all run and their failures come together (Mediator): when the database failed
        // them all, it is the database that is unavailable.
        if (exception is AggregateException aggregate && aggregate.Flatten().InnerExceptions is { Count: > 0 } inner
            && inner.All(e => e is NpgsqlException or TimeoutException))
        {
            exception = inner[0];
        }
        switch (exception)
        {
            case ValidationProblemException validation:
                await ProblemWriter.WriteAsync(httpContext, validation.Type, validation.Detail, validation.Errors);
                return true;
            case ProblemException problem:
                await ProblemWriter.WriteAsync(httpContext, problem.Type, problem.Detail,
                    retryAfter: problem.RetryAfter ?? (problem.Type.Status == StatusCodes.Status429TooManyRequests ? DefaultRetryAfter : null));
                return true;
            case BadHttpRequestException bad:
                await ProblemWriter.WriteAsync(httpContext, bad.StatusCode switch
                {
                    StatusCodes.Status413PayloadTooLarge => CommonProblems.TooLarge,
                    StatusCodes.Status415UnsupportedMediaType => CommonProblems.UnsupportedMediaType,
                    _ => CommonProblems.Malformed,
                });
                return true;
            case JsonException:
                await ProblemWriter.WriteAsync(httpContext, CommonProblems.Malformed);
                return true;
            case ConcurrencyException:
                await ProblemWriter.WriteAsync(httpContext, CommonProblems.Conflict);
                return true;
            case NpgsqlException or TimeoutException when !httpContext.RequestAborted.IsCancellationRequested:
                logger.LogError(new RedactedException(exception), "Database unavailable while handling {Method} {Path}",
                    httpContext.Request.Method, httpContext.Request.Path);
                await ProblemWriter.WriteAsync(httpContext, CommonProblems.Unavailable, retryAfter: TimeSpan.FromSeconds(5));
                return true;
            default:
                logger.LogError(new RedactedException(exception), "Unhandled exception on {Method} {Path}",
                    httpContext.Request.Method, httpContext.Request.Path);
                await ProblemWriter.WriteAsync(httpContext, CommonProblems.Unexpected);
                return true;
        }
    }
}

using Microsoft.AspNetCore.Diagnostics;
using VssId.BuildingBlocks.Errors;

namespace VssId.Host.Platform;

/// <summary>The problem for an answer that has a status and no body (unknown route, wrong method, a refused token).</summary>
internal static class StatusCodeProblems
{
    public static async Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var type = http.Response.StatusCode switch
        {
            StatusCodes.Status404NotFound => CommonProblems.NotFound,
            StatusCodes.Status405MethodNotAllowed => CommonProblems.MethodNotAllowed,
            StatusCodes.Status401Unauthorized => CommonProblems.Unauthorized,
            StatusCodes.Status403Forbidden => CommonProblems.Forbidden,
            StatusCodes.Status415UnsupportedMediaType => CommonProblems.UnsupportedMediaType,
            StatusCodes.Status413PayloadTooLarge => CommonProblems.TooLarge,
            StatusCodes.Status400BadRequest => CommonProblems.Malformed,
            _ => null,
        };
        if (type is not null)
        {
            await ProblemWriter.WriteAsync(http, type);
        }
    }
}

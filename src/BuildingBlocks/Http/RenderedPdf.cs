using Microsoft.AspNetCore.Http;

namespace VssId.BuildingBlocks.Http;

/// <summary>The answer of a download whose PDF a background job renders (Mẫu 01): the file, or 202 and when to ask again.</summary>
public static class RenderedPdf
{
    // A form renders in well under a second (bench/run.sh): ask again soon.
    private static readonly TimeSpan RenderingRetry = TimeSpan.FromSeconds(2);

    /// <summary>200 with the PDF (never cached: it holds personal data), or 202 with <c>Retry-After</c> while <paramref name="pdf"/> is null.</summary>
    public static IResult Result(HttpResponse response, byte[]? pdf, string fileName)
    {
        if (pdf is null)
        {
            RetryAfter.Set(response, RenderingRetry);
            return Results.Accepted();
        }
        response.Headers.CacheControl = "no-store";
        return Results.File(pdf, "application/pdf", fileName);
    }
}

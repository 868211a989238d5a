using System.Text;
using Microsoft.AspNetCore.Http;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Http;

/// <summary>The UTF-8 <c>text/csv</c> body of an administrative import: 415 for another type, 413 beyond the cap.</summary>
public static class CsvBody
{
    public static async Task<string> Read(HttpRequest request, int maxChars, CancellationToken cancellationToken)
    {
        if (request.ContentType?.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase) != true)
        {
            throw new ProblemException(CommonProblems.UnsupportedMediaType);
        }
        if (request.ContentLength > maxChars * 4L)
        {
            throw new ProblemException(CommonProblems.TooLarge);
        }
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var buffer = new char[maxChars + 1];
        var read = await reader.ReadBlockAsync(buffer, cancellationToken);
        return read > maxChars ? throw new ProblemException(CommonProblems.TooLarge) : new string(buffer, 0, read);
    }

    /// <summary>Whether the caller asked for English (row errors are written in one language).</summary>
    public static bool English(HttpRequest request) => Language.FromAcceptLanguage(request.Headers.AcceptLanguage.ToString()) == Language.English;
}

namespace VssId.BuildingBlocks.Errors;

/// <summary>A user-facing text in Vietnamese (the default) and English.</summary>
public sealed record LocalizedText(string Vi, string En)
{
    /// <summary>The text in the given language ("en" or anything else for Vietnamese).</summary>
    public string In(string language) => language == Language.English ? En : Vi;
}

/// <summary>The languages answers are given in.</summary>
public static class Language
{
    /// <summary>Vietnamese, the default.</summary>
    public const string Vietnamese = "vi";

    /// <summary>English, on <c>Accept-Language: en</c>.</summary>
    public const string English = "en";

    /// <summary>
    /// Picks vi or en from an Accept-Language header by quality; Vietnamese when neither is asked for,
    /// because the service's users are Vietnamese first.
    /// </summary>
    public static string FromAcceptLanguage(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return Vietnamese;
        }
        var best = Vietnamese;
        var bestQuality = -1.0;
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Microsoft.Net.Http.Headers.StringWithQualityHeaderValue.TryParse(part, out var value))
            {
                continue;
            }
            var tag = value.Value.Value ?? "";
            var primary = tag.Split('-')[0].ToLowerInvariant();
            if (primary is not (Vietnamese or English))
            {
                continue;
            }
            var quality = value.Quality ?? 1.0;
            if (quality > bestQuality)
            {
                best = primary;
                bestQuality = quality;
            }
        }
        return best;
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace VssId.BuildingBlocks.Http;

/// <summary>The <c>Retry-After</c> header, always in whole seconds and at least one (a 0 invites a tight retry loop).</summary>
public static class RetryAfter
{
    /// <summary>Sets <c>Retry-After</c> to <paramref name="wait"/>, rounded up to whole seconds.</summary>
    public static void Set(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}

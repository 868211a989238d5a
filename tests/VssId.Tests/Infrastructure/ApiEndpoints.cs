using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Security;

namespace VssId.Tests.Infrastructure;

/// <summary>Every endpoint of the API the Host maps: one row per method and route, with the access policy it names (null: none).</summary>
public static class ApiEndpoints
{
    public static IEnumerable<(string Key, string Method, string Route, string? Policy)> Of(VssIdApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m =>
                ($"{m} {e.RoutePattern.RawText}", m, e.RoutePattern.RawText!, e.Metadata.GetMetadata<AccessPolicy>()?.Name)));
}

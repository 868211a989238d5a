using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VssId.Host.Platform;

/// <summary>A small JSON body for /health/ready: overall status and each check's, without exception detail.</summary>
public static class HealthResponse
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        }));
    }
}

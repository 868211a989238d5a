namespace VssId.Host.Platform;

/// <summary>
/// What this process does, from <c>Host:Roles</c> ("api", "worker", or both — the default): the API
/// maps endpoints, Swagger and the Hangfire dashboard; the worker runs the Hangfire server and the
/// Marten async daemon (which delivers integration events). Both roles answer the health endpoints.
/// </summary>
public sealed record HostRoles(bool Api, bool Worker)
{
    public static HostRoles From(IConfiguration configuration)
    {
        var value = configuration["Host:Roles"];
        if (string.IsNullOrWhiteSpace(value))
        {
            return new HostRoles(true, true);
        }
        var roles = value.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant())
            .ToHashSet();
        var unknown = roles.Except(["api", "worker"]).ToArray();
        if (unknown.Length > 0 || roles.Count == 0)
        {
            throw new InvalidOperationException($"Host:Roles must be \"api\", \"worker\" or \"api,worker\"; got \"{value}\".");
        }
        return new HostRoles(roles.Contains("api"), roles.Contains("worker"));
    }

    public override string ToString() => string.Join(',', new[] { Api ? "api" : null, Worker ? "worker" : null }.OfType<string>());
}

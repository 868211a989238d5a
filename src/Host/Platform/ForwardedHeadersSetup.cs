using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace VssId.Host.Platform;

/// <summary>
/// Behind a TLS-terminating proxy every request comes from the proxy's address, so per-address rate
/// limits and anonymous idempotency scopes would put every citizen in one bucket. The client address
/// is taken from <c>X-Forwarded-For</c> only when the request comes from a proxy named in configuration
/// (<c>ForwardedHeaders:KnownProxies</c> addresses, <c>ForwardedHeaders:KnownNetworks</c> CIDR blocks);
/// from anyone else the header is ignored, so it cannot be used to pick a fresh bucket per request.
/// Nothing is trusted by default, not even loopback: without configured proxies the middleware is not
/// used at all (its empty lists would mean "trust anyone").
/// </summary>
public static class ForwardedHeadersSetup
{
    public static IServiceCollection AddVssIdForwardedHeaders(this IServiceCollection services, IConfiguration configuration)
    {
        var proxies = Entries(configuration, "ForwardedHeaders:KnownProxies");
        var networks = Entries(configuration, "ForwardedHeaders:KnownNetworks");
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Only the address the nearest (trusted) proxy saw: earlier entries are the client's own claims.
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in proxies)
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in networks)
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        return services;
    }

    // Empty entries (an unset variable in docker-compose) name nothing.
    private static string[] Entries(IConfiguration configuration, string key) =>
        (configuration.GetSection(key).Get<string[]>() ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToArray();

    public static void UseVssIdForwardedHeaders(this WebApplication app)
    {
        if (Entries(app.Configuration, "ForwardedHeaders:KnownProxies").Length + Entries(app.Configuration, "ForwardedHeaders:KnownNetworks").Length > 0)
        {
            app.UseForwardedHeaders();
        }
    }
}

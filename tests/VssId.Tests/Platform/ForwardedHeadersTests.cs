using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Platform;

/// <summary>Acceptance F3: behind a configured proxy, anonymous rate limits apply per client, not to the proxy as one client.</summary>
public sealed class ForwardedHeadersTests
{
    private const string Proxy = "10.0.0.5";

    private static async Task<int> Start(VssIdApp app, string from, string? forwardedFor)
    {
        var context = await app.Server.SendAsync(c =>
        {
            c.Request.Method = HttpMethods.Post;
            c.Request.Path = "/api/v1/registrations";
            c.Request.ContentType = "application/json";
            c.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes("{}"));
            c.Connection.RemoteIpAddress = IPAddress.Parse(from);
            if (forwardedFor is not null)
            {
                c.Request.Headers["X-Forwarded-For"] = forwardedFor;
            }
        });
        return context.Response.StatusCode;
    }

    [Fact]
    public async Task Behind_a_configured_proxy_each_client_has_its_own_bucket_and_nobody_else_can_choose_one()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Roles = "api",
            Settings = new Dictionary<string, string?>
            {
                ["RateLimiting:Enabled"] = "true",
                ["RateLimiting:StartPerMinute"] = "2",
                ["ForwardedHeaders:KnownProxies:0"] = Proxy,
            },
        });
        // Through the proxy: two clients, two buckets of 2 (an empty declaration is a 400 once admitted).
        Assert.Equal(400, await Start(app, Proxy, "203.0.113.1"));
        Assert.Equal(400, await Start(app, Proxy, "203.0.113.1"));
        Assert.Equal(429, await Start(app, Proxy, "203.0.113.1"));
        Assert.Equal(400, await Start(app, Proxy, "203.0.113.2"));

        // A direct caller cannot pick a fresh bucket per request with a header of its own.
        const string direct = "198.51.100.9";
        Assert.Equal(400, await Start(app, direct, "192.0.2.1"));
        Assert.Equal(400, await Start(app, direct, "192.0.2.2"));
        Assert.Equal(429, await Start(app, direct, "192.0.2.3"));
    }

    [Fact]
    public async Task Without_configured_proxies_no_forwarded_header_is_trusted_not_even_from_loopback()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Roles = "api",
            Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "true", ["RateLimiting:StartPerMinute"] = "1" },
        });
        Assert.Equal(400, await Start(app, "127.0.0.1", "203.0.113.1"));
        Assert.Equal(429, await Start(app, "127.0.0.1", "203.0.113.2"));
    }
}

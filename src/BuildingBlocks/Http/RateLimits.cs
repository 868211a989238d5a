using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace VssId.BuildingBlocks.Http;

/// <summary>Per-address rate limits of anonymous endpoints (numbers from configuration, <c>RateLimiting:*</c>).</summary>
public static class RateLimits
{
    /// <summary>
    /// The platform's policy for anonymous endpoints that cost the server or could serve an oracle (QR
    /// parsing, document verification): <c>RateLimiting:PublicPerMinute</c> per client address.
    /// </summary>
    public const string PublicPerAddress = "platform.public";

    /// <summary>
    /// A fixed window of <paramref name="perMinute"/> per client address (per /64 on IPv6), or no limit when
    /// switched off (load tests).
    /// </summary>
    public static RateLimitPartition<string> PerAddress(HttpContext http, bool enabled, int perMinute) =>
        enabled
            ? RateLimitPartition.GetFixedWindowLimiter(AddressBlock.PartitionOf(http.Connection.RemoteIpAddress),
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter("off");
}

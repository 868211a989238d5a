using System.Net;
using System.Net.Sockets;

namespace VssId.BuildingBlocks.Http;

/// <summary>
/// The block a client address belongs to, the unit for limits an attacker could dodge by changing address:
/// an IPv4 /24 and an IPv6 /64 (one subscriber usually holds a whole /64, so a per-address limit on IPv6
/// limits nothing). The address is the one the forwarded-headers middleware settled on.
/// </summary>
public static class AddressBlock
{
    /// <summary>"203.0.113.0/24", "2001:db8:1:2::/64", or null when there is no address (an in-process call).</summary>
    public static string? Of(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        var bytes = address.GetAddressBytes();
        var (keep, bits) = address.AddressFamily == AddressFamily.InterNetwork ? (3, 24) : (8, 64);
        Array.Clear(bytes, keep, bytes.Length - keep);
        return $"{new IPAddress(bytes)}/{bits}";
    }

    /// <summary>The partition key of per-address rate limits: the address itself for IPv4, its /64 for IPv6.</summary>
    public static string PartitionOf(IPAddress? address) =>
        address is null ? "unknown"
        : address.AddressFamily == AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? Of(address)!
        : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}

using System.Security.Cryptography;
using System.Text;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>
/// How the delivery log finds a recipient without holding it: an HMAC keyed by the server secret (a plain hash of a
/// 10-digit phone would be reversed by trying them all). The address itself is sealed with the key of the person the
/// message is about, so a backup of the log holds no phone or email once that person is erased (ADR 16).
/// </summary>
public sealed class Recipients(ServerKeys keys)
{
    private readonly byte[] _key = keys.For("vssid.notifications.recipient");

    public string KeyOf(string address) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(address)));
}

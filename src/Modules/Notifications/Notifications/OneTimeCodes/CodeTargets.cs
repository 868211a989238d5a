using System.Security.Cryptography;
using System.Text;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.Notifications.OneTimeCodes;

/// <summary>
/// What a one-time code is for, as <c>notifications.one_time_codes.target</c> holds it: an HMAC keyed by the server
/// secret of the purpose and the caller's target. A target may name a phone (a registration's is its id and the phone
/// being verified), and the table must hold no phone in clear, not even for the 24 hours it keeps a code.
/// </summary>
public sealed class CodeTargets(ServerKeys keys)
{
    private readonly byte[] _key = keys.For("vssid.notifications.code-target");

    public string KeyOf(string purpose, string target) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}\n{target}")));
}

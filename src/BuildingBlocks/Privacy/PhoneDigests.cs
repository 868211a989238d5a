using System.Security.Cryptography;
using System.Text;
using VssId.BuildingBlocks.Security;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// A phone as the lookup columns hold it (drafts per phone, enrolments waiting at a guardian's mobile): an HMAC keyed by
/// the server secret, so an index finds and counts a phone without holding it, and a dump of the tables yields no
/// number (a plain hash of a 10-digit phone would be reversed by trying them all). The phone itself lives sealed in
/// the events (<see cref="PersonalDataSealing"/>).
/// </summary>
public sealed class PhoneDigests(ServerKeys keys)
{
    private readonly byte[] _key = keys.For("vssid.index.phone");

    public string Of(string phone) => Convert.ToBase64String(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(phone)));
}

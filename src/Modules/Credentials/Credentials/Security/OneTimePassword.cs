using System.Security.Cryptography;
using System.Text;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// The one-time password of a new account (and a staff user's initial password): 10 characters from an
/// alphabet without look-alikes (no 0/O, 1/l/I), valid 7 days, single use (the first login must change it).
/// </summary>
public static class OneTimePassword
{
    public const int Length = 10;
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    // 31 letters and digits a person reads off an SMS without doubt; ~49.5 bits for 10 characters.
    private const string Alphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    public static string NewRandom() => RandomNumberGenerator.GetString(Alphabet, Length);

    /// <summary>
    /// The one-time password of the account issued for one approval event, derived with the server key
    /// (HMAC-SHA256, rejection sampling): a redelivery after a crash between the account's commit and its
    /// SMS re-derives the same password, so the SMS can still be sent — exactly once, by its message id —
    /// without ever storing the password in clear (ADR 0011).
    /// </summary>
    public static string ForIssue(ServerKeys keys, Guid eventId)
    {
        var key = keys.For("vssid.credentials.one-time-password");
        var result = new StringBuilder(Length);
        for (var block = 0; result.Length < Length; block++)
        {
            var bytes = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{eventId:N}:{block}"));
            foreach (var b in bytes)
            {
                // 248 = 8 × 31: the bytes above it would favour the first letters.
                if (b < 248 && result.Length < Length)
                {
                    result.Append(Alphabet[b % Alphabet.Length]);
                }
            }
        }
        return result.ToString();
    }
}

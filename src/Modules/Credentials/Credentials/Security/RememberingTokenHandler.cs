using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// JWT validation that remembers a token it has already validated until the token expires: an app sends the
/// same access token for up to 15 minutes, and its RSA signature need not be verified on every request. The
/// key is the SHA-256 of the exact token, so only the very same bytes reuse a result; whether the account is
/// still allowed is checked on every request anyway (<see cref="PrincipalStamps"/>).
/// </summary>
internal sealed class RememberingTokenHandler : JsonWebTokenHandler
{
    private const int MaxRemembered = 100_000;
    private readonly ConcurrentDictionary<string, (TokenValidationResult Result, DateTime Expires)> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var key = Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
        var now = DateTime.UtcNow;
        if (_validated.TryGetValue(key, out var known) && known.Expires > now)
        {
            // A copy of the identity: nothing a request adds to its principal reaches another request.
            return new TokenValidationResult
            {
                IsValid = true, ClaimsIdentity = known.Result.ClaimsIdentity.Clone(), SecurityToken = known.Result.SecurityToken,
                Issuer = known.Result.Issuer, TokenType = known.Result.TokenType,
            };
        }
        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt)
        {
            if (_validated.Count >= MaxRemembered)
            {
                foreach (var expired in _validated.Where(e => e.Value.Expires <= now).Select(e => e.Key).ToList())
                {
                    _validated.TryRemove(expired, out _);
                }
                if (_validated.Count >= MaxRemembered)
                {
                    _validated.Clear();
                }
            }
            _validated[key] = (result, jwt.ValidTo);
        }
        return result;
    }
}

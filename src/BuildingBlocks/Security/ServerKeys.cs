using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace VssId.BuildingBlocks.Security;

/// <summary>
/// Keys for hashing and signing (OTP hashes, document tokens, …), each derived with HKDF from one
/// server secret <c>Security:ServerKey</c> (base64, at least 32 bytes) so that every process of the
/// deployment derives the same keys and one purpose's key never serves another.
/// </summary>
public sealed class ServerKeys
{
    private readonly byte[] _master;

    /// <summary>Reads the secret; refuses to start without a strong one.</summary>
    public ServerKeys(IConfiguration configuration)
    {
        var value = configuration["Security:ServerKey"];
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidOperationException("Security:ServerKey is not set: give it 32+ random bytes in base64 (e.g. `openssl rand -base64 48`).");
        }
        try
        {
            _master = Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Security:ServerKey must be base64.");
        }
        if (_master.Length < 32)
        {
            throw new InvalidOperationException("Security:ServerKey must hold at least 32 bytes.");
        }
    }

    /// <summary>The 32-byte key for <paramref name="purpose"/>.</summary>
    public byte[] For(string purpose) => HKDF.DeriveKey(HashAlgorithmName.SHA256, _master, 32, info: Encoding.UTF8.GetBytes(purpose));
}

using System.Buffers.Text;
using System.Security.Cryptography;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.Notifications.Documents;

/// <summary>
/// The token in a Mẫu 01 QR code: the document id and a truncated HMAC-SHA256 of it under a server key,
/// base64url — 43 characters, so the QR stays small. Unguessable ids alone would not do: a forged token
/// must be recognised as forged without a database lookup.
/// </summary>
public sealed class DocumentToken(ServerKeys keys)
{
    private const int MacLength = 16;
    private readonly byte[] _key = keys.For("notifications.document-token");

    /// <summary>The token for <paramref name="documentId"/>.</summary>
    public string Create(Guid documentId)
    {
        Span<byte> token = stackalloc byte[16 + MacLength];
        documentId.TryWriteBytes(token);
        HMACSHA256.HashData(_key, token[..16])[..MacLength].CopyTo(token[16..]);
        return Base64Url.EncodeToString(token);
    }

    /// <summary>The document id when the token is authentic; null for anything forged, truncated or garbage.</summary>
    public Guid? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 64)
        {
            return null;
        }
        Span<byte> bytes = stackalloc byte[48];
        int written;
        try
        {
            if (!Base64Url.TryDecodeFromChars(token, bytes, out written) || written != 16 + MacLength)
            {
                return null;
            }
        }
        catch (FormatException)
        {
            // Characters outside base64url: garbage, not a token.
            return null;
        }
        var expected = HMACSHA256.HashData(_key, bytes[..16])[..MacLength];
        return CryptographicOperations.FixedTimeEquals(expected, bytes[16..written]) ? new Guid(bytes[..16]) : null;
    }
}

using System.Security.Cryptography;
using System.Text;

namespace VssId.BuildingBlocks.Identifiers;

/// <summary>
/// Ids derived from what caused them (a source id or a natural key), so a redelivered event or a race
/// between two writers lands on the same stream, message or job instead of making a second one.
/// The first 16 bytes of SHA-256: collisions are not a practical concern, and nothing secret goes in.
/// </summary>
public static class DerivedId
{
    /// <summary>The id of the effect <paramref name="purpose"/> of <paramref name="source"/>.</summary>
    public static Guid From(Guid source, string purpose)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(purpose.Length)];
        source.TryWriteBytes(input);
        var length = 16 + Encoding.UTF8.GetBytes(purpose, input[16..]);
        return new Guid(SHA256.HashData(input[..length]).AsSpan(0, 16));
    }

    /// <summary>The id of the one stream a natural key may have, e.g. <c>("vssid.account", bhxhCode)</c>.</summary>
    public static Guid FromKey(string kind, string key) =>
        new(SHA256.HashData(Encoding.UTF8.GetBytes(kind + ":" + key)).AsSpan(0, 16));
}

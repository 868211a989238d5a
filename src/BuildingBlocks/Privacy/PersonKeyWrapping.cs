using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Wraps person keys (<see cref="PersonKeys"/>) with AES-256-GCM under a key-wrapping key (KWK), itself stored
/// protected by Data Protection, whose ring the KEK seals (ADR 15): the same chain of trust as wrapping each person
/// key with Data Protection directly, at a fraction of the cost — Data Protection derives keys and builds its
/// algorithms on every call, which was the largest single cost of a registration start's new key
/// (bench/run.sh registration). A wrapped key names its KWK and is bound to its own person-key id.
/// </summary>
/// <remarks>
/// A new KWK is made when the newest is older than <see cref="Rotation"/> (or none exists); old ones stay to unwrap
/// what they wrapped. Several processes may make one at the same moment: each wrapped key names its own. Keys
/// wrapped by Data Protection before this existed (no <see cref="Prefix"/>) are unwrapped by it as before.
/// </remarks>
public sealed class PersonKeyWrapping(NpgsqlDataSource database, IDataProtectionProvider protection, TimeProvider time)
{
    public const string TableName = "privacy.key_wrapping_keys";
    public const string Prefix = "kw1.";
    public static readonly TimeSpan Rotation = TimeSpan.FromDays(90);
    private const int IdSize = 16, NonceSize = 12, TagSize = 16, KeySize = 32;
    private readonly IDataProtector _protector = protection.CreateProtector("VssId.Privacy.KeyWrappingKey");
    private readonly IDataProtector _legacy = protection.CreateProtector("VssId.Privacy.PersonKey");
    private readonly ConcurrentDictionary<Guid, byte[]> _known = new();
    private volatile Kwk? _current;

    private sealed record Kwk(Guid Id, byte[] Key, DateTimeOffset CreatedAt);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("protected_key", "text").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        return table;
    }

    /// <summary><paramref name="key"/> wrapped for the person-key row <paramref name="keyId"/>.</summary>
    public async ValueTask<string> Wrap(Guid keyId, byte[] key, bool sync, CancellationToken cancellationToken)
    {
        var (kwkId, kwk) = await Current(sync, cancellationToken);
        var wrapped = new byte[IdSize + NonceSize + TagSize + KeySize];
        var span = wrapped.AsSpan();
        kwkId.TryWriteBytes(span[..IdSize]);
        RandomNumberGenerator.Fill(span.Slice(IdSize, NonceSize));
        using var aes = new AesGcm(kwk, TagSize);
        aes.Encrypt(span.Slice(IdSize, NonceSize), key, span[(IdSize + NonceSize + TagSize)..], span.Slice(IdSize + NonceSize, TagSize), Bound(keyId, kwkId));
        return Prefix + Convert.ToBase64String(wrapped);
    }

    /// <summary>The key <see cref="Wrap"/> (or Data Protection, before it) wrapped for the row <paramref name="keyId"/>.</summary>
    public async ValueTask<byte[]> Unwrap(Guid keyId, string wrapped, bool sync, CancellationToken cancellationToken)
    {
        if (!wrapped.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return Convert.FromBase64String(_legacy.Unprotect(wrapped));
        }
        var bytes = Convert.FromBase64String(wrapped[Prefix.Length..]);
        var kwkId = new Guid(bytes.AsSpan(0, IdSize));
        var kwk = _known.TryGetValue(kwkId, out var known) ? known : await Load(kwkId, sync, cancellationToken);
        var key = new byte[KeySize];
        using var aes = new AesGcm(kwk, TagSize);
        aes.Decrypt(bytes.AsSpan(IdSize, NonceSize), bytes.AsSpan(IdSize + NonceSize + TagSize), bytes.AsSpan(IdSize + NonceSize, TagSize), key, Bound(keyId, kwkId));
        return key;
    }

    // Authenticated with the wrapped key: a wrapped key moved to another person's row does not unwrap.
    private static byte[] Bound(Guid keyId, Guid kwkId) => [.. keyId.ToByteArray(), .. kwkId.ToByteArray()];

    private async ValueTask<(Guid Id, byte[] Key)> Current(bool sync, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_current is { } current && now - current.CreatedAt < Rotation)
        {
            return (current.Id, current.Key);
        }
        var newest = await PersonKeys.FirstRow(database, sync, $"SELECT id, protected_key, created_at FROM {TableName} ORDER BY created_at DESC LIMIT 1", [],
            reader => (Id: reader.GetGuid(0), Protected: reader.GetString(1), CreatedAt: reader.GetFieldValue<DateTimeOffset>(2)), cancellationToken);
        if (newest is { } stored && now - stored.CreatedAt < Rotation)
        {
            var found = new Kwk(stored.Id, Unprotect(stored.Id, stored.Protected), stored.CreatedAt);
            _current = found;
            return (found.Id, found.Key);
        }
        var made = new Kwk(Guid.CreateVersion7(), RandomNumberGenerator.GetBytes(KeySize), now);
        // Committed on its own: keys wrapped under it must never outlive it because a caller's transaction rolled back.
        using var outside = VssId.BuildingBlocks.Transactions.AmbientTransaction.Outside();
        using var insert = database.CreateCommand($"INSERT INTO {TableName} (id, protected_key, created_at) VALUES ($1, $2, $3)");
        insert.Parameters.Add(new NpgsqlParameter { Value = made.Id });
        insert.Parameters.Add(new NpgsqlParameter { Value = _protector.Protect(Convert.ToBase64String(made.Key)) });
        insert.Parameters.Add(new NpgsqlParameter { Value = made.CreatedAt });
        _ = sync ? insert.ExecuteNonQuery() : await insert.ExecuteNonQueryAsync(cancellationToken);
        _known[made.Id] = made.Key;
        _current = made;
        return (made.Id, made.Key);
    }

    private async ValueTask<byte[]> Load(Guid kwkId, bool sync, CancellationToken cancellationToken)
    {
        using var outside = VssId.BuildingBlocks.Transactions.AmbientTransaction.Outside();
        using var select = database.CreateCommand($"SELECT protected_key FROM {TableName} WHERE id = $1");
        select.Parameters.Add(new NpgsqlParameter { Value = kwkId });
        var stored = (string?)(sync ? select.ExecuteScalar() : await select.ExecuteScalarAsync(cancellationToken))
            ?? throw new CryptographicException($"Key-wrapping key {kwkId} is missing.");
        return Unprotect(kwkId, stored);
    }

    private byte[] Unprotect(Guid kwkId, string stored) => _known.GetOrAdd(kwkId, _ => Convert.FromBase64String(_protector.Unprotect(stored)));
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Envelope encryption per person (issue 13 item 12): each person (by mã số BHXH) has a random 256-bit data key,
/// stored wrapped by Data Protection (whose ring is sealed by the KEK, ADR 15); their photos and forms are sealed with
/// it (AES-256-GCM). Erasure is crypto-shredding: the wrapped key is deleted, and every copy sealed with it — on disk,
/// in backups — is noise from then on. A sealed blob names its key, so opening needs no subject.
/// </summary>
/// <remarks>
/// Unwrapped keys are remembered for <see cref="CacheFor"/>: another process may still open a shredded person's data
/// for that long after the erasure (said in ADR 16). Data stored before this existed is not sealed and opens as is.
/// </remarks>
public sealed class PersonKeys(NpgsqlDataSource database, IDataProtectionProvider protection, IMemoryCache cache, TimeProvider time)
{
    public const string TableName = "privacy.person_keys";
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private static readonly byte[] Magic = "VSP1"u8.ToArray();
    private const int KeyIdSize = 16, NonceSize = 12, TagSize = 16;
    private readonly IDataProtector _wrap = protection.CreateProtector("VssId.Privacy.PersonKey");

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("subject", "text").NotNull();
        table.AddColumn("wrapped_key", "text");
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        table.AddColumn("shredded_at", "timestamp with time zone");
        // One live key per person: a second process creating one at the same moment loses the race and reads the winner's.
        table.Indexes.Add(new IndexDefinition("ux_person_keys_live") { Columns = ["subject"], IsUnique = true, Predicate = "shredded_at IS NULL" });
        return table;
    }

    /// <summary>Seals <paramref name="plaintext"/> with <paramref name="subject"/>'s key (made on first use).</summary>
    public async Task<byte[]> Seal(string subject, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken)
    {
        var (id, key) = await LiveKey(subject, cancellationToken);
        var sealedBlob = new byte[Magic.Length + KeyIdSize + NonceSize + TagSize + plaintext.Length];
        var span = sealedBlob.AsSpan();
        Magic.CopyTo(span);
        id.TryWriteBytes(span.Slice(Magic.Length, KeyIdSize));
        var nonce = span.Slice(Magic.Length + KeyIdSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext.Span, span[(Magic.Length + KeyIdSize + NonceSize + TagSize)..], span.Slice(Magic.Length + KeyIdSize + NonceSize, TagSize),
            span[..(Magic.Length + KeyIdSize)]);
        return sealedBlob;
    }

    /// <summary>The plaintext of a sealed blob; the blob itself when it was stored before sealing existed; null when its person was erased.</summary>
    public async Task<byte[]?> Open(byte[] blob, CancellationToken cancellationToken)
    {
        if (!IsSealed(blob))
        {
            return blob;
        }
        var id = new Guid(blob.AsSpan(Magic.Length, KeyIdSize));
        if (await KeyById(id, cancellationToken) is not { } key)
        {
            return null;
        }
        var body = blob.AsSpan(Magic.Length + KeyIdSize);
        var plaintext = new byte[body.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), plaintext, blob.AsSpan(0, Magic.Length + KeyIdSize));
        return plaintext;
    }

    /// <summary>Whether <paramref name="blob"/> can still be opened (its key is not shredded), without decrypting it.</summary>
    public async Task<bool> CanOpen(byte[] blob, CancellationToken cancellationToken) =>
        !IsSealed(blob) || await KeyById(new Guid(blob.AsSpan(Magic.Length, KeyIdSize)), cancellationToken) is not null;

    public static bool IsSealed(ReadOnlySpan<byte> blob) => blob.Length > Magic.Length + KeyIdSize + NonceSize + TagSize && blob.StartsWith(Magic);

    /// <summary>Deletes every key of <paramref name="subject"/>: what they sealed can never be opened again. Answers how many.</summary>
    public async Task<int> Shred(string subject, CancellationToken cancellationToken)
    {
        await using var shred = database.CreateCommand(
            $"UPDATE {TableName} SET wrapped_key = NULL, shredded_at = $2 WHERE subject = $1 AND shredded_at IS NULL RETURNING id");
        shred.Parameters.Add(new NpgsqlParameter { Value = subject });
        shred.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        var count = 0;
        await using var reader = await shred.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            cache.Remove(reader.GetGuid(0));
            count++;
        }
        cache.Remove(subject);
        return count;
    }

    private async Task<(Guid Id, byte[] Key)> LiveKey(string subject, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(subject, out (Guid, byte[]) known))
        {
            return known;
        }
        if (await LiveKeyInDatabase(subject, cancellationToken) is { } stored)
        {
            return stored;
        }
        var fresh = RandomNumberGenerator.GetBytes(32);
        await using (var insert = database.CreateCommand(
            $"INSERT INTO {TableName} (id, subject, wrapped_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (subject) WHERE shredded_at IS NULL DO NOTHING"))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
            insert.Parameters.Add(new NpgsqlParameter { Value = subject });
            insert.Parameters.Add(new NpgsqlParameter { Value = _wrap.Protect(Convert.ToBase64String(fresh)) });
            insert.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        CryptographicOperations.ZeroMemory(fresh);
        // Ours, or the one a concurrent first use inserted.
        return (await LiveKeyInDatabase(subject, cancellationToken))!.Value;
    }

    private async Task<(Guid Id, byte[] Key)?> LiveKeyInDatabase(string subject, CancellationToken cancellationToken)
    {
        await using var select = database.CreateCommand($"SELECT id, wrapped_key FROM {TableName} WHERE subject = $1 AND shredded_at IS NULL");
        select.Parameters.Add(new NpgsqlParameter { Value = subject });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        var live = (reader.GetGuid(0), Convert.FromBase64String(_wrap.Unprotect(reader.GetString(1))));
        cache.Set(subject, live, CacheFor);
        cache.Set(live.Item1, live.Item2, CacheFor);
        return live;
    }

    private async Task<byte[]?> KeyById(Guid id, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(id, out byte[]? known))
        {
            return known;
        }
        await using var select = database.CreateCommand($"SELECT wrapped_key FROM {TableName} WHERE id = $1 AND shredded_at IS NULL");
        select.Parameters.Add(new NpgsqlParameter { Value = id });
        if (await select.ExecuteScalarAsync(cancellationToken) is not string wrapped)
        {
            return null;
        }
        var key = Convert.FromBase64String(_wrap.Unprotect(wrapped));
        cache.Set(id, key, CacheFor);
        return key;
    }
}

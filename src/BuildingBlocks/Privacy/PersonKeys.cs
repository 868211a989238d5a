using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Envelope encryption per person (issue 13 item 12): each person (by mã số BHXH) has a random 256-bit data key,
/// stored wrapped by Data Protection (whose ring is sealed by the KEK, ADR 15); their photos, forms and the personal
/// fields of their events (<see cref="PersonalDataSealing"/>) are sealed with it (AES-256-GCM). Erasure is
/// crypto-shredding: the wrapped key is deleted, and every copy sealed with it — on disk, in backups — is noise from
/// then on. A sealed blob names its key, so opening needs no subject.
/// </summary>
/// <remarks>
/// Unwrapped keys are remembered for <see cref="CacheFor"/>: another process may still open a shredded person's data
/// for that long after the erasure (said in ADR 16). Data stored before this existed is not sealed and opens as is.
/// The synchronous twins (<see cref="SealNow"/>, <see cref="OpenNow"/>) serve the JSON serializer, which cannot await;
/// both share one body with the asynchronous ones (the <c>sync</c> flag, as Npgsql does inside).
/// </remarks>
public sealed class PersonKeys(NpgsqlDataSource database, IDataProtectionProvider protection, IMemoryCache cache, TimeProvider time)
{
    public const string TableName = "privacy.person_keys";
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private static readonly byte[] Magic = "VSP1"u8.ToArray();
    private const int KeyIdSize = 16, NonceSize = 12, TagSize = 16, HeaderSize = 4 + KeyIdSize;
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
    public async Task<byte[]> Seal(string subject, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) =>
        Seal(await LiveKey(subject, sync: false, cancellationToken), plaintext.Span);

    /// <summary><see cref="Seal"/> for callers that cannot await (the serializer of events and documents).</summary>
    public byte[] SealNow(string subject, ReadOnlySpan<byte> plaintext) => Seal(Completed(LiveKey(subject, sync: true, default)), plaintext);

    /// <summary>The plaintext of a sealed blob; the blob itself when it was stored before sealing existed; null when its person was erased.</summary>
    public async Task<byte[]?> Open(byte[] blob, CancellationToken cancellationToken) =>
        !IsSealed(blob) ? blob : Open(blob, await KeyById(KeyIdOf(blob), sync: false, cancellationToken));

    /// <summary><see cref="Open"/> for callers that cannot await.</summary>
    public byte[]? OpenNow(byte[] blob) => !IsSealed(blob) ? blob : Open(blob, Completed(KeyById(KeyIdOf(blob), sync: true, default)));

    /// <summary>Whether <paramref name="blob"/> can still be opened (its key is not shredded), without decrypting it.</summary>
    public async Task<bool> CanOpen(byte[] blob, CancellationToken cancellationToken) =>
        !IsSealed(blob) || await KeyById(KeyIdOf(blob), sync: false, cancellationToken) is not null;

    public static bool IsSealed(ReadOnlySpan<byte> blob) => blob.Length >= HeaderSize + NonceSize + TagSize && blob.StartsWith(Magic);

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

    private static byte[] Seal((Guid Id, byte[] Key) key, ReadOnlySpan<byte> plaintext)
    {
        var sealedBlob = new byte[HeaderSize + NonceSize + TagSize + plaintext.Length];
        var span = sealedBlob.AsSpan();
        Magic.CopyTo(span);
        key.Id.TryWriteBytes(span.Slice(Magic.Length, KeyIdSize));
        var nonce = span.Slice(HeaderSize, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key.Key, TagSize);
        // The header (magic and key id) is authenticated: a blob cannot be moved under another person's key.
        aes.Encrypt(nonce, plaintext, span[(HeaderSize + NonceSize + TagSize)..], span.Slice(HeaderSize + NonceSize, TagSize), span[..HeaderSize]);
        return sealedBlob;
    }

    private static byte[]? Open(byte[] blob, byte[]? key)
    {
        if (key is null)
        {
            return null;
        }
        var body = blob.AsSpan(HeaderSize);
        var plaintext = new byte[body.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), plaintext, blob.AsSpan(0, HeaderSize));
        return plaintext;
    }

    // With sync: true nothing is awaited that is not already done.
    private static T Completed<T>(ValueTask<T> lookup) =>
        lookup.IsCompleted ? lookup.Result : throw new InvalidOperationException("A synchronous key lookup did not complete synchronously.");

    private static Guid KeyIdOf(byte[] blob) => new(blob.AsSpan(Magic.Length, KeyIdSize));

    /// <summary>
    /// The person's live key, made on first use in the same statement that reads it: a new person (every start of a
    /// registration) costs one round trip, a known one whose key left the cache wraps a key that is thrown away
    /// (microseconds, cheaper than a second round trip).
    /// </summary>
    private async ValueTask<(Guid Id, byte[] Key)> LiveKey(string subject, bool sync, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(subject, out (Guid, byte[]) known))
        {
            return known;
        }
        var fresh = RandomNumberGenerator.GetBytes(32);
        var wrapped = _wrap.Protect(Convert.ToBase64String(fresh));
        CryptographicOperations.ZeroMemory(fresh);
        var live = await Single(sync, $"""
            WITH made AS (
                INSERT INTO {TableName} (id, subject, wrapped_key, created_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (subject) WHERE shredded_at IS NULL DO NOTHING RETURNING id, wrapped_key)
            SELECT id, wrapped_key FROM made
            UNION ALL SELECT id, wrapped_key FROM {TableName} WHERE subject = $2 AND shredded_at IS NULL
            LIMIT 1
            """, [Guid.CreateVersion7(), subject, wrapped, time.GetUtcNow()], cancellationToken)
            // A first use by another process committed after this statement's snapshot: its key is readable now.
            ?? await Single(sync, $"SELECT id, wrapped_key FROM {TableName} WHERE subject = $1 AND shredded_at IS NULL", [subject], cancellationToken)
            ?? throw new InvalidOperationException("A person's key was neither made nor found.");
        var key = (live.Id, Convert.FromBase64String(_wrap.Unprotect(live.WrappedKey)));
        cache.Set(subject, key, CacheFor);
        cache.Set(key.Id, key.Item2, CacheFor);
        return key;
    }

    private async ValueTask<byte[]?> KeyById(Guid id, bool sync, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(id, out byte[]? known))
        {
            return known;
        }
        if (await Single(sync, $"SELECT id, wrapped_key FROM {TableName} WHERE id = $1 AND shredded_at IS NULL", [id], cancellationToken) is not { } stored)
        {
            return null;
        }
        var key = Convert.FromBase64String(_wrap.Unprotect(stored.WrappedKey));
        cache.Set(id, key, CacheFor);
        return key;
    }

    private async ValueTask<(Guid Id, string WrappedKey)?> Single(bool sync, string sql, object[] parameters, CancellationToken cancellationToken)
    {
        using var command = database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        var reader = sync ? command.ExecuteReader() : await command.ExecuteReaderAsync(cancellationToken);
        try
        {
            return (sync ? reader.Read() : await reader.ReadAsync(cancellationToken)) ? (reader.GetGuid(0), reader.GetString(1)) : null;
        }
        finally
        {
            if (sync)
            {
                reader.Dispose();
            }
            else
            {
                await reader.DisposeAsync();
            }
        }
    }
}

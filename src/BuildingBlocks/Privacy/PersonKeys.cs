using System.Security.Cryptography;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.BuildingBlocks.Privacy;

/// <summary>
/// Envelope encryption per person (issue 13 item 12): each person (by mã số BHXH) has a random 256-bit data key,
/// stored wrapped (<see cref="PersonKeyWrapping"/>: a key-wrapping key protected by Data Protection, whose ring is
/// sealed by the KEK, ADR 15); their photos, forms and the personal
/// fields of their events (<see cref="PersonalDataSealing"/>) are sealed with it (AES-256-GCM). Erasure is
/// crypto-shredding: the wrapped key is deleted, and every copy sealed with it — on disk, in backups — is noise from
/// then on. A sealed blob names its key, so opening needs no subject.
/// </summary>
/// <remarks>
/// Unwrapped keys are remembered for <see cref="CacheFor"/>. Every process forgets a shredded key when the erasure
/// commits, wherever it ran: the shredding notifies <see cref="ShreddedChannel"/> in its transaction and
/// <see cref="PersonKeyShreddings"/> listens. While that listening connection is down a process may still open a
/// shredded person's data until it listens again, and never longer than <see cref="CacheFor"/> (ADR 16). Data stored
/// before this existed is not sealed and opens as is.
/// The synchronous twins (<see cref="SealNow"/>, <see cref="OpenNow"/>) serve the JSON serializer, which cannot await;
/// both share one body with the asynchronous ones (the <c>sync</c> flag, as Npgsql does inside).
/// <para>
/// The serializer finds its keys in memory: <see cref="PersonKeyListener"/> prepares a save's keys asynchronously
/// before it (<see cref="PrepareFor"/>), and a new person's key is inserted by the save's own transaction. A thread
/// blocks on the database only when a key left the cache between the two, or for a document no event of its save
/// names the person of. A person may hold several live keys; erasure shreds them all.
/// </para>
/// </remarks>
public sealed class PersonKeys(NpgsqlDataSource database, PersonKeyWrapping wrapping, IMemoryCache cache, TimeProvider time)
{
    public const string TableName = "privacy.person_keys";
    public const string ShreddedChannel = "vssid_person_keys_shredded";
    // A minute covers a person's next few steps (a code, a confirmation) and bounds how long another process may open an
    // erased person's data; at the bench's rate five minutes kept ~100,000 entries alive (bench/README.md).
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(1);
    private static readonly byte[] Magic = "VSP1"u8.ToArray();
    private const int KeyIdSize = 16, NonceSize = 12, TagSize = 16, HeaderSize = 4 + KeyIdSize;

    // Cache keys of their own types: the process's one memory cache is shared, and a mã số BHXH is a plain string. A
    // person's entry names their key's id only, so forgetting a key by id forgets it as the person's live key too.
    // The epoch moves when shreddings may have been missed: entries remembered under an older one are never read again.
    private readonly record struct Person(string Subject, long Epoch);

    private readonly record struct KeyId(Guid Id, long Epoch);

    private long _epoch;
    // Shreddings heard of so far: a key read from PostgreSQL while one was heard of is used, not remembered.
    private long _shreddings;

    private Person PersonEntry(string subject) => new(subject, Interlocked.Read(ref _epoch));

    private KeyId KeyEntry(Guid id) => new(id, Interlocked.Read(ref _epoch));

    private bool TryLive(string subject, out (Guid Id, byte[] Key) key)
    {
        if (cache.TryGetValue(PersonEntry(subject), out Guid id) && cache.TryGetValue(KeyEntry(id), out byte[]? known))
        {
            key = (id, known!);
            return true;
        }
        key = default;
        return false;
    }

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("subject", "text").NotNull();
        table.AddColumn("wrapped_key", "text");
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        table.AddColumn("shredded_at", "timestamp with time zone");
        // A person may have several live keys (two processes making a first key at once, a new person guessed new
        // again while another process holds their key): any of them seals, each blob names its own, erasure shreds all.
        table.Indexes.Add(new IndexDefinition("ix_person_keys_subject") { Columns = ["subject"], Predicate = "shredded_at IS NULL" });
        return table;
    }

    /// <summary>Seals <paramref name="plaintext"/> with <paramref name="subject"/>'s key (made on first use).</summary>
    public async Task<byte[]> Seal(string subject, ReadOnlyMemory<byte> plaintext, CancellationToken cancellationToken) =>
        Seal(await LiveKey(subject, sync: false, cancellationToken), plaintext.Span);

    /// <summary><see cref="Seal"/> for callers that cannot await (the serializer of events and documents).</summary>
    public byte[] SealNow(string subject, ReadOnlySpan<byte> plaintext) => Seal(Completed(LiveKey(subject, sync: true, default)), plaintext);

    /// <summary>A key made for a person who had none, not stored until the save that inserts it commits.</summary>
    public sealed record NewKey(string Subject, Guid Id, byte[] Key)
    {
        /// <summary>Shreddings heard before it was made: one heard since (it may be this key's) keeps it out of memory.</summary>
        internal long Heard { get; init; }
    }

    /// <summary>
    /// Before a save that seals <paramref name="subjects"/>' data: their keys read into memory in one query; a person
    /// without one gets a new key whose insert joins <paramref name="session"/>'s transaction — answered, for sealing
    /// that save's objects only (if the save fails, nothing sealed with it is stored). <paramref name="newPeople"/> are
    /// named only by streams the save starts (a registration's first event): they get a new key without the query — a
    /// returning person guessed new merely gains a second key.
    /// </summary>
    public async Task<IReadOnlyList<NewKey>> PrepareFor(IDocumentSession session, IEnumerable<string> subjects, IReadOnlySet<string> newPeople,
        CancellationToken cancellationToken)
    {
        var heardBefore = Interlocked.Read(ref _shreddings);
        var unknown = subjects.Where(s => !TryLive(s, out _)).ToArray();
        if (unknown.Length == 0)
        {
            return [];
        }
        if (unknown.Any(s => !newPeople.Contains(s)))
        {
            // On the save's own connection and transaction (opened here instead of when the batch runs): a request holds
            // one pooled connection, not two — under load a second rent waits on the pool.
            await session.BeginTransactionAsync(cancellationToken);
            var heard = Interlocked.Read(ref _shreddings);
            await using var select = new NpgsqlCommand(
                $"SELECT DISTINCT ON (subject) subject, id, wrapped_key FROM {TableName} WHERE subject = ANY($1) AND shredded_at IS NULL ORDER BY subject, created_at DESC",
                session.Connection);
            select.Parameters.Add(new NpgsqlParameter { Value = unknown.Where(s => !newPeople.Contains(s)).ToArray() });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                Remember(reader.GetString(0), reader.GetGuid(1), await wrapping.Unwrap(reader.GetGuid(1), reader.GetString(2), sync: false, cancellationToken), heard);
            }
        }
        var made = new List<NewKey>();
        foreach (var subject in unknown.Where(s => !TryLive(s, out _)))
        {
            var key = New(subject) with { Heard = heardBefore };
            session.QueueSqlCommand($"INSERT INTO {TableName} (id, subject, wrapped_key, created_at) VALUES (?, ?, ?, ?)",
                key.Id, subject, await wrapping.Wrap(key.Id, key.Key, sync: false, cancellationToken), time.GetUtcNow());
            made.Add(key);
        }
        return made;
    }

    /// <summary>
    /// The save that inserted <paramref name="made"/> committed: they are stored, and remembered unless a shredding was
    /// heard since they were made (an erasure between the commit and this call would otherwise leave a shredded key in
    /// memory: it is read from the table again instead).
    /// </summary>
    public void Stored(IEnumerable<NewKey> made)
    {
        foreach (var key in made)
        {
            Remember(key.Subject, key.Id, key.Key, key.Heard);
        }
    }

    /// <summary>Seals with a key <see cref="PrepareFor"/> made, inside the save that stores it.</summary>
    public static byte[] Seal(NewKey key, ReadOnlySpan<byte> plaintext) => Seal((key.Id, key.Key), plaintext);

    /// <summary>The plaintext of a sealed blob; the blob itself when it was stored before sealing existed; null when its person was erased.</summary>
    public async Task<byte[]?> Open(byte[] blob, CancellationToken cancellationToken) =>
        !IsSealed(blob) ? blob : Open(blob, await KeyById(KeyIdOf(blob), sync: false, cancellationToken));

    /// <summary><see cref="Open"/> for callers that cannot await.</summary>
    public byte[]? OpenNow(byte[] blob) => !IsSealed(blob) ? blob : Open(blob, Completed(KeyById(KeyIdOf(blob), sync: true, default)));

    /// <summary>Whether <paramref name="blob"/> can still be opened (its key is not shredded), without decrypting it.</summary>
    public async Task<bool> CanOpen(byte[] blob, CancellationToken cancellationToken) =>
        !IsSealed(blob) || await KeyById(KeyIdOf(blob), sync: false, cancellationToken) is not null;

    public static bool IsSealed(ReadOnlySpan<byte> blob) => blob.Length >= HeaderSize + NonceSize + TagSize && blob.StartsWith(Magic);

    /// <summary>
    /// Deletes every key of <paramref name="subject"/>: what they sealed can never be opened again. Answers their ids.
    /// Inside an ambient transaction nothing is deleted until it commits: then call <see cref="Forget"/>.
    /// </summary>
    /// <remarks>
    /// Every erasure also leaves a tombstone (a row already shredded, with no key): when the person was erased stays
    /// known even if they never had a key (their data stored before sealing existed), so data of theirs written before
    /// it is never sealed afterwards with a new key (<see cref="ErasedSince"/>, <see cref="SealStoredDataJob"/>).
    /// </remarks>
    public async Task<IReadOnlyList<Guid>> Shred(string subject, CancellationToken cancellationToken)
    {
        // Each shredded key's id (never the subject) is announced to every process when this commits, not before.
        await using var shred = database.CreateCommand($"""
            WITH shredded AS (UPDATE {TableName} SET wrapped_key = NULL, shredded_at = $2 WHERE subject = $1 AND shredded_at IS NULL RETURNING id),
                 tombstone AS (INSERT INTO {TableName} (id, subject, wrapped_key, created_at, shredded_at) VALUES ($3, $1, NULL, $2, $2))
            SELECT id, pg_notify('{ShreddedChannel}', id::text) FROM shredded
            """);
        shred.Parameters.Add(new NpgsqlParameter { Value = subject });
        shred.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        shred.Parameters.Add(new NpgsqlParameter { Value = Guid.CreateVersion7() });
        var ids = new List<Guid>();
        await using var reader = await shred.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }
        Forget(subject, ids);
        return ids;
    }

    /// <summary>
    /// When each of <paramref name="subjects"/> who was ever erased was erased last, and how many shredded rows they have
    /// in all (every erasure adds one: a later count that differs means an erasure landed in between).
    /// </summary>
    public async Task<(IReadOnlyDictionary<string, DateTimeOffset> Erased, long Shreddings)> ErasedSince(IReadOnlyCollection<string> subjects,
        CancellationToken cancellationToken)
    {
        var erased = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        long shreddings = 0;
        if (subjects.Count == 0)
        {
            return (erased, 0);
        }
        await using var select = database.CreateCommand(
            $"SELECT subject, max(shredded_at), count(*) FROM {TableName} WHERE subject = ANY($1) AND shredded_at IS NOT NULL GROUP BY subject");
        select.Parameters.Add(new NpgsqlParameter { Value = subjects.ToArray() });
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            erased[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
            shreddings += reader.GetInt64(2);
        }
        return (erased, shreddings);
    }

    /// <summary>The SQL condition "no erasure of the people in parameter <paramref name="people"/> since <see cref="ErasedSince"/> counted <paramref name="shreddings"/>".</summary>
    public static string NotErasedSince(string people, string shreddings) =>
        $"(SELECT count(*) FROM {TableName} WHERE subject = ANY({people}) AND shredded_at IS NOT NULL) = {shreddings}";

    /// <summary>A key that is never stored: what it seals reads as erased from the start (data of an erased person found in clear).</summary>
    public static NewKey Nobodys(string subject) => New(subject);

    /// <summary>Drops shredded keys from this process's memory (a read between the shredding and its commit may have cached them again).</summary>
    public void Forget(string subject, IEnumerable<Guid> ids)
    {
        foreach (var id in ids)
        {
            Shredded(id);
        }
        cache.Remove(PersonEntry(subject));
    }

    /// <summary>A key was shredded (here or in another process): it is neither read from memory nor remembered again.</summary>
    public void Shredded(Guid id)
    {
        Interlocked.Increment(ref _shreddings);
        cache.Remove(KeyEntry(id));
    }

    /// <summary>Keys may have been shredded unheard of: nothing remembered so far is read again.</summary>
    public void ForgetEverything()
    {
        Interlocked.Increment(ref _shreddings);
        Interlocked.Increment(ref _epoch);
    }

    private static byte[] Seal((Guid Id, byte[] Key) key, ReadOnlySpan<byte> plaintext)
    {
        var sealedBlob = new byte[HeaderSize + NonceSize + TagSize + plaintext.Length];
        var span = sealedBlob.AsSpan();
        Magic.CopyTo(span);
        key.Id.TryWriteBytes(span.Slice(Magic.Length, KeyIdSize));
        var nonce = span.Slice(HeaderSize, NonceSize);
        FillNonce(nonce);
        var aes = Cipher(key.Id, key.Key);
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
        var aes = Cipher(KeyIdOf(blob), key);
        aes.Decrypt(body[..NonceSize], body[(NonceSize + TagSize)..], body.Slice(NonceSize, TagSize), plaintext, blob.AsSpan(0, HeaderSize));
        return plaintext;
    }

    // The cipher of the key last used on this thread: a declaration seals several fields with one key, and an AesGcm
    // costs an OpenSSL context to set up (a shredded key is never looked up again, so its cipher is never reused).
    [ThreadStatic]
    private static (Guid Id, AesGcm Cipher)? _cipher;

    private static AesGcm Cipher(Guid id, byte[] key)
    {
        if (_cipher is { } last && last.Id == id)
        {
            return last.Cipher;
        }
        _cipher?.Cipher.Dispose();
        var cipher = new AesGcm(key, TagSize);
        _cipher = (id, cipher);
        return cipher;
    }

    // Nonces from a per-thread block of random bytes, refilled every 100 nonces: a declaration seals eight fields, and
    // each call into OpenSSL's generator costs more than the copy (nonces are stored in clear next to the ciphertext).
    [ThreadStatic]
    private static byte[]? _nonces;

    [ThreadStatic]
    private static int _noncesUsed;

    private static void FillNonce(Span<byte> nonce)
    {
        if (_nonces is null || _noncesUsed + nonce.Length > _nonces.Length)
        {
            _nonces ??= new byte[100 * NonceSize];
            RandomNumberGenerator.Fill(_nonces);
            _noncesUsed = 0;
        }
        var next = _nonces.AsSpan(_noncesUsed, nonce.Length);
        next.CopyTo(nonce);
        next.Clear();
        _noncesUsed += nonce.Length;
    }

    // With sync: true nothing is awaited that is not already done.
    private static T Completed<T>(ValueTask<T> lookup) =>
        lookup.IsCompleted ? lookup.Result : throw new InvalidOperationException("A synchronous key lookup did not complete synchronously.");

    private static Guid KeyIdOf(byte[] blob) => new(blob.AsSpan(Magic.Length, KeyIdSize));

    /// <summary>The person's newest live key, made on first use.</summary>
    private async ValueTask<(Guid Id, byte[] Key)> LiveKey(string subject, bool sync, CancellationToken cancellationToken)
    {
        if (TryLive(subject, out var known))
        {
            return known;
        }
        var heard = Interlocked.Read(ref _shreddings);
        if (await Single(sync, $"SELECT id, wrapped_key FROM {TableName} WHERE subject = $1 AND shredded_at IS NULL ORDER BY created_at DESC LIMIT 1",
                [subject], cancellationToken) is { } stored)
        {
            return Remember(subject, stored.Id, await wrapping.Unwrap(stored.Id, stored.WrappedKey, sync, cancellationToken), heard);
        }
        var key = New(subject);
        // Committed on its own: remembered at once, it must not vanish with a caller's transaction that rolls back.
        using var outside = VssId.BuildingBlocks.Transactions.AmbientTransaction.Outside();
        await using var insert = database.CreateCommand($"INSERT INTO {TableName} (id, subject, wrapped_key, created_at) VALUES ($1, $2, $3, $4)");
        foreach (var value in new object[] { key.Id, subject, await wrapping.Wrap(key.Id, key.Key, sync, cancellationToken), time.GetUtcNow() })
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        _ = sync ? insert.ExecuteNonQuery() : await insert.ExecuteNonQueryAsync(cancellationToken);
        return Remember(subject, key.Id, key.Key, heard);
    }

    private static NewKey New(string subject) => new(subject, Guid.CreateVersion7(), RandomNumberGenerator.GetBytes(32));

    /// <summary>Remembers a key read or made since <paramref name="heard"/> shreddings, unless one was heard of meanwhile (it may be this key).</summary>
    private (Guid Id, byte[] Key) Remember(string subject, Guid id, byte[] key, long heard)
    {
        if (Interlocked.Read(ref _shreddings) == heard)
        {
            cache.Set(KeyEntry(id), key, CacheFor);
            cache.Set(PersonEntry(subject), id, CacheFor);
        }
        return (id, key);
    }

    private async ValueTask<byte[]?> KeyById(Guid id, bool sync, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(KeyEntry(id), out byte[]? known))
        {
            return known;
        }
        var heard = Interlocked.Read(ref _shreddings);
        if (await Single(sync, $"SELECT id, wrapped_key FROM {TableName} WHERE id = $1 AND shredded_at IS NULL", [id], cancellationToken) is not { } stored)
        {
            return null;
        }
        var key = await wrapping.Unwrap(id, stored.WrappedKey, sync, cancellationToken);
        if (Interlocked.Read(ref _shreddings) == heard)
        {
            cache.Set(KeyEntry(id), key, CacheFor);
        }
        return key;
    }

    private ValueTask<(Guid Id, string WrappedKey)?> Single(bool sync, string sql, object[] parameters, CancellationToken cancellationToken) =>
        FirstRow(database, sync, sql, parameters, reader => (reader.GetGuid(0), reader.GetString(1)), cancellationToken);

    /// <summary>
    /// The first row of <paramref name="sql"/> read by <paramref name="read"/>, or null. With <paramref name="sync"/> nothing
    /// is awaited (the serializer's path), the reader included: it is disposed the way it was used.
    /// </summary>
    internal static async ValueTask<T?> FirstRow<T>(NpgsqlDataSource database, bool sync, string sql, object[] parameters,
        Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) where T : struct
    {
        // Keys are read on a connection of their own, never enlisted: a caller inside a transaction scope may hold its
        // connection open (a message job under its row lock), and a second enlisted one would need two-phase commit.
        using var outside = VssId.BuildingBlocks.Transactions.AmbientTransaction.Outside();
        using var command = database.CreateCommand(sql);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        var reader = sync ? command.ExecuteReader() : await command.ExecuteReaderAsync(cancellationToken);
        try
        {
            return (sync ? reader.Read() : await reader.ReadAsync(cancellationToken)) ? read(reader) : null;
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

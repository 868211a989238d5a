using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.Tokens;
using Npgsql;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// The keys that sign access tokens: RSA 2048 in self-signed certificates, generated on first start and then
/// once per rotation period, stored in <c>credentials.signing_keys</c> encrypted with Data Protection. The
/// newest signs (OpenIddict prefers the certificate that expires last); each stays published in the JWKS
/// and accepted for a day after its successor took over, so a token in flight (15 minutes) survives a
/// rotation. Every process of the deployment reads the same ring; a unique generation number lets only one
/// of them create each key.
/// </summary>
public sealed class SigningKeys(NpgsqlDataSource database, IDataProtectionProvider protection, TimeProvider time,
    IConfiguration configuration, ILogger<SigningKeys> logger) : IDisposable
{
    public const string TableName = "credentials.signing_keys";
    private const string Purpose = "VssId.Credentials.SigningKey";
    private static readonly TimeSpan Overlap = TimeSpan.FromDays(1);

    private readonly TimeSpan _rotation = TimeSpan.FromDays(configuration.GetValue("Auth:SigningKeyRotationDays", 30));
    private readonly Lock _gate = new();
    private IReadOnlyList<X509SecurityKey>? _keys;
    private CancellationTokenSource _changed = new();

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<long>("generation").AsPrimaryKey();
        table.AddColumn("protected_pfx", "text").NotNull();
        table.AddColumn("created_at", "timestamp with time zone").NotNull();
        return table;
    }

    /// <summary>The keys in force, newest first (loading, and creating the first, on first use).</summary>
    public IReadOnlyList<X509SecurityKey> Current
    {
        get
        {
            if (_keys is { } keys)
            {
                return keys;
            }
            lock (_gate)
            {
                return _keys ??= Load(ensure: true);
            }
        }
    }

    /// <summary>Fires when the ring changed (OpenIddict rebuilds its options from it).</summary>
    public IChangeToken Changed() => new CancellationChangeToken(_changed.Token);

    /// <summary>Creates the period's key if it is missing and re-reads the ring; true when it changed.</summary>
    public bool Refresh()
    {
        IReadOnlyList<X509SecurityKey> fresh;
        lock (_gate)
        {
            fresh = Load(ensure: true);
            if (_keys is { } old && old.Select(k => k.KeyId).SequenceEqual(fresh.Select(k => k.KeyId)))
            {
                return false;
            }
            _keys = fresh;
        }
        var changed = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        changed.Cancel();
        logger.LogInformation("Token signing keys now {KeyIds}", string.Join(", ", fresh.Select(k => k.KeyId)));
        return true;
    }

    public void Dispose() => _changed.Dispose();

    /// <summary>Starts a new key now, whatever the period (tests, and an operator who suspects a leak).</summary>
    public void RotateNow()
    {
        Insert(time.GetUtcNow().UtcTicks / TimeSpan.TicksPerSecond);
        Refresh();
    }

    private IReadOnlyList<X509SecurityKey> Load(bool ensure)
    {
        var now = time.GetUtcNow();
        var keys = Read(now);
        if (ensure && (keys.Count == 0 || keys[0].Certificate.NotBefore.ToUniversalTime() + _rotation + TimeSpan.FromMinutes(5) <= now.UtcDateTime))
        {
            // The generation of the current period: two processes rotating at once insert the same number.
            Insert(now.UtcTicks / _rotation.Ticks);
            keys = Read(now);
        }
        return keys;
    }

    private void Insert(long generation)
    {
        var now = time.GetUtcNow();
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=VssId token signing", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + _rotation + Overlap);
        var pfx = certificate.Export(X509ContentType.Pkcs12);
        using var connection = database.OpenConnection();
        using var insert = new NpgsqlCommand($"INSERT INTO {TableName} (generation, protected_pfx, created_at) VALUES ($1, $2, $3) ON CONFLICT (generation) DO NOTHING", connection)
        {
            Parameters = { new() { Value = generation }, new() { Value = protection.CreateProtector(Purpose).Protect(Convert.ToBase64String(pfx)) }, new() { Value = now } },
        };
        if (insert.ExecuteNonQuery() == 1)
        {
            logger.LogInformation("Created token signing key generation {Generation}", generation);
        }
    }

    private List<X509SecurityKey> Read(DateTimeOffset now)
    {
        var protector = protection.CreateProtector(Purpose);
        var keys = new List<X509SecurityKey>();
        using var connection = database.OpenConnection();
        using var select = new NpgsqlCommand($"SELECT protected_pfx FROM {TableName} ORDER BY created_at DESC, generation DESC LIMIT 10", connection);
        using var reader = select.ExecuteReader();
        while (reader.Read())
        {
            var certificate = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(protector.Unprotect(reader.GetString(0))), null, X509KeyStorageFlags.EphemeralKeySet);
            if (certificate.NotAfter.ToUniversalTime() > now.UtcDateTime)
            {
                keys.Add(new X509SecurityKey(certificate));
            }
        }
        return keys;
    }
}

/// <summary>Checks hourly whether a new signing key is due (and picks up one another process created).</summary>
internal sealed class SigningKeyRotation(SigningKeys keys, ILogger<SigningKeyRotation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                keys.Refresh();
            }
            catch (Exception e) when (e is NpgsqlException or CryptographicException)
            {
                logger.LogWarning(e, "Could not refresh the token signing keys; the current ones stay in force");
            }
        }
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using VssId.BuildingBlocks.Security;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.GuardianEnrollment.Consent;

/// <summary>
/// The code in a school enrolment's consent SMS. Like the captcha's answer it is never stored: it is a keyed hash
/// of the enrolment id (HMAC-SHA256 under a key derived from the server key) read as 8 digits, so a redelivered
/// event sends the same text and a database dump holds no code. It lives as long as the enrolment waits (30 days);
/// guessing is bounded per mobile: <c>RateLimiting:ConsentFailuresPerDay</c> wrong codes (10) in 24 hours, then
/// 429 until the oldest ages out — beside the per-address limit of anonymous endpoints.
/// </summary>
public sealed class ConsentCodes(NpgsqlDataSource database, ServerKeys keys, VssId.BuildingBlocks.Privacy.PhoneDigests phones, IConfiguration configuration,
    TimeProvider time)
{
    public const string FailuresTable = "enrollment.consent_failures";
    public const int Length = 8;
    public static readonly TimeSpan FailureWindow = TimeSpan.FromHours(24);

    private readonly byte[] _key = keys.For("vssid.enrollment-consent");
    private readonly bool _limited = configuration.GetValue("RateLimiting:Enabled", true);
    private readonly int _failuresPerDay = configuration.GetValue("RateLimiting:ConsentFailuresPerDay", 10);

    public static Table Table()
    {
        var table = new Table(FailuresTable);
        table.AddColumn("id", "bigserial").AsPrimaryKey();
        // The mobile as an HMAC (PhoneDigests): counted, never held.
        table.AddColumn("phone", "text").NotNull();
        table.AddColumn("failed_at", "timestamp with time zone").NotNull();
        table.Indexes.Add(new IndexDefinition("ix_consent_failures_phone") { Columns = ["phone", "failed_at"] });
        return table;
    }

    /// <summary>The code of <paramref name="enrollmentId"/>'s consent SMS.</summary>
    public string For(Guid enrollmentId)
    {
        var mac = HMACSHA256.HashData(_key, enrollmentId.ToByteArray());
        // 2^64 mod 10^8 bias is below 10^-11: negligible.
        return (BinaryPrimitives.ReadUInt64BigEndian(mac) % 100_000_000UL).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether <paramref name="code"/> is <paramref name="enrollmentId"/>'s (compared in constant time).</summary>
    public bool Matches(Guid enrollmentId, string code) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(For(enrollmentId)), Encoding.ASCII.GetBytes(code));

    /// <summary>Whether <paramref name="phone"/> has used up its wrong codes for now.</summary>
    public async Task<bool> Exhausted(string phone, CancellationToken cancellationToken)
    {
        if (!_limited)
        {
            return false;
        }
        await using var command = database.CreateCommand($"SELECT count(*) FROM {FailuresTable} WHERE phone = $1 AND failed_at > $2");
        command.Parameters.Add(new NpgsqlParameter { Value = phones.Of(phone) });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - FailureWindow });
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! >= _failuresPerDay;
    }

    public async Task RecordFailure(string phone, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"INSERT INTO {FailuresTable} (phone, failed_at) VALUES ($1, $2)");
        command.Parameters.Add(new NpgsqlParameter { Value = phones.Of(phone) });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Deletes failures older than the window (the expiry job calls it): a mobile is kept no longer than it counts.</summary>
    public async Task Forget(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"DELETE FROM {FailuresTable} WHERE failed_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - FailureWindow });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

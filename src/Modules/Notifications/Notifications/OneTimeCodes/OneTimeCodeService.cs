using System.Security.Cryptography;
using System.Text;
using System.Transactions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Messaging;

using VssId.BuildingBlocks.Transactions;

namespace VssId.Modules.Notifications.OneTimeCodes;

/// <summary><c>OneTimeCodes</c> settings.</summary>
public sealed class OneTimeCodeOptions
{
    public int LifetimeSeconds { get; set; } = 300;
    public int ResendAfterSeconds { get; set; } = 60;
    public int MaxSendsPerHour { get; set; } = 5;

    /// <summary>
    /// SMS codes a phone receives an hour, however many applications or accounts name it; counted apart for
    /// typed-in and verified phones, so strangers' drafts cannot use up the owner's recovery codes.
    /// </summary>
    public int MaxSmsPerPhonePerHour { get; set; } = 5;

    /// <summary>SMS codes asked for an hour from one address block (IPv4 /24, IPv6 /64), when rate limiting is on.</summary>
    public int MaxSmsPerAddressBlockPerHour { get; set; } = 30;

    /// <summary>The share of the hourly SMS budget only codes to verified phones may use.</summary>
    public double VerifiedPhoneBudgetShare { get; set; } = 0.2;
    public int MaxAttemptsPerCode { get; set; } = 5;

    /// <summary>How many of the latest codes stay valid (a late SMS still works after a resend).</summary>
    public int ValidCodes { get; set; } = 2;
}

/// <summary>
/// Issues and checks 6-digit codes. A code is stored only as an HMAC (keyed by a server secret, so a
/// leaked table cannot be brute-forced offline); the limits are checked under per-target and per-phone
/// advisory locks, and the code row, its SMS and the SMS job commit together. The target is stored as an HMAC too
/// (<see cref="CodeTargets"/>): a registration's names the phone it verifies.
/// </summary>
/// <remarks>
/// SMS codes are limited four ways, each against a different attack: per target (guessing one code), per
/// phone (bombing a stranger through many drafts), per address block (one machine pumping many numbers),
/// and the hourly budget (a botnet), of which verified phones keep a share. Phones and address blocks are
/// stored as HMACs: the table counts them without holding them.
/// </remarks>
internal sealed class OneTimeCodeService(
    NpgsqlDataSource dataSource,
    IMessageSender messages,
    ServerKeys keys,
    CodeTargets targets,
    IOptions<OneTimeCodeOptions> options,
    IOptions<MessagingOptions> messaging,
    IHttpContextAccessor http,
    IConfiguration configuration,
    TimeProvider time,
    ILogger<OneTimeCodeService> logger) : IOneTimeCodes
{
    private readonly byte[] _key = keys.For("notifications.one-time-codes");

    public Task<OneTimeCodeIssue> IssueBySms(string purpose, string target, string phone, PhoneTrust trust, string? person, CancellationToken cancellationToken) =>
        Issue(purpose, target, phone, trust, sms: true, person, cancellationToken);

    public Task<OneTimeCodeIssue> IssueByEmail(string purpose, string target, string email, string? person, CancellationToken cancellationToken) =>
        Issue(purpose, target, email, PhoneTrust.Verified, sms: false, person, cancellationToken);

    private async Task<OneTimeCodeIssue> Issue(string purpose, string target, string address, PhoneTrust trust, bool sms, string? person,
        CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        using var scope = AmbientTransaction.Begin();
        var codeId = Guid.NewGuid();
        var storedTarget = targets.KeyOf(purpose, target);
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        await using (var connection = await dataSource.OpenConnectionAsync(cancellationToken))
        {
            await using (var lockTarget = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection)
                         { Parameters = { new() { Value = $"otp:{purpose}:{target}" } } })
            {
                await lockTarget.ExecuteNonQueryAsync(cancellationToken);
            }
            await using (var recent = new NpgsqlCommand("""
                SELECT max(created_at), min(created_at), count(*) FROM notifications.one_time_codes
                WHERE purpose = $1 AND target = $2 AND created_at > $3
                """, connection) { Parameters = { new() { Value = purpose }, new() { Value = storedTarget }, new() { Value = now.AddHours(-1) } } })
            await using (var reader = await recent.ExecuteReaderAsync(cancellationToken))
            {
                await reader.ReadAsync(cancellationToken);
                if (!reader.IsDBNull(0))
                {
                    var last = reader.GetFieldValue<DateTimeOffset>(0);
                    var oldest = reader.GetFieldValue<DateTimeOffset>(1);
                    var sent = reader.GetInt64(2);
                    var resendAt = last.AddSeconds(o.ResendAfterSeconds);
                    if (now < resendAt)
                    {
                        return new OneTimeCodeIssue(OneTimeCodeIssueStatus.TooSoon, null, resendAt - now, null);
                    }
                    if (sent >= o.MaxSendsPerHour)
                    {
                        return new OneTimeCodeIssue(OneTimeCodeIssueStatus.TooMany, null, oldest.AddHours(1) - now, null);
                    }
                }
            }
            var phoneKey = sms ? Key("phone", address) : null;
            if (phoneKey is not null && await RefuseSms(connection, phoneKey, trust, now, cancellationToken) is { } refused)
            {
                return refused;
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO notifications.one_time_codes (id, purpose, target, code_hash, created_at, expires_at, attempts, phone_key, phone_verified, address_key)
                VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9)
                """, connection)
            {
                Parameters =
                {
                    new() { Value = codeId }, new() { Value = purpose }, new() { Value = storedTarget }, new() { Value = Hash(purpose, target, code) },
                    new() { Value = now }, new() { Value = now.AddSeconds(o.LifetimeSeconds) },
                    new() { Value = (object?)phoneKey ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea },
                    new() { Value = trust == PhoneTrust.Verified },
                    new() { Value = CallerBlock() is { } block ? Key("block", block) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea },
                },
            };
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        // The message joins this transaction: the code exists if and only if its message will be sent.
        var parameters = new Dictionary<string, string>
        {
            ["code"] = code,
            ["minutes"] = (o.LifetimeSeconds / 60).ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (sms)
        {
            await messages.SendSms(new SmsRequest(codeId, address, MessageTemplates.Otp, parameters, person is null ? null : [person]), cancellationToken);
        }
        else
        {
            await messages.SendEmail(new EmailRequest(codeId, address, MessageTemplates.OtpEmail, parameters, [], person is null ? null : [person]), cancellationToken);
        }
        scope.Complete();
        return new OneTimeCodeIssue(OneTimeCodeIssueStatus.Sent, codeId, TimeSpan.FromSeconds(o.ResendAfterSeconds), now.AddSeconds(o.LifetimeSeconds));
    }

    public async Task<OneTimeCodeCheck> Verify(string purpose, string target, string code, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        var hash = Hash(purpose, target, code?.Trim() ?? "");
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var latest = new List<(Guid Id, byte[] Hash, DateTimeOffset ExpiresAt, int Attempts, bool Consumed)>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, code_hash, expires_at, attempts, consumed_at IS NOT NULL FROM notifications.one_time_codes
            WHERE purpose = $1 AND target = $2 ORDER BY created_at DESC LIMIT $3 FOR UPDATE
            """, connection, transaction) { Parameters = { new() { Value = purpose }, new() { Value = targets.KeyOf(purpose, target) }, new() { Value = o.ValidCodes } } })
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                latest.Add((reader.GetGuid(0), (byte[])reader[1], reader.GetFieldValue<DateTimeOffset>(2), reader.GetInt32(3), reader.GetBoolean(4)));
            }
        }
        var open = latest.Where(c => !c.Consumed && c.Attempts < o.MaxAttemptsPerCode).ToList();
        var live = open.Where(c => c.ExpiresAt > now).ToList();
        var match = live.FirstOrDefault(c => CryptographicOperations.FixedTimeEquals(c.Hash, hash));
        OneTimeCodeCheck result;
        if (match.Id != Guid.Empty)
        {
            await Execute(connection, transaction, "UPDATE notifications.one_time_codes SET consumed_at = $2 WHERE id = $1", cancellationToken, match.Id, now);
            result = OneTimeCodeCheck.Valid;
        }
        else if (open.Any(c => c.ExpiresAt <= now && CryptographicOperations.FixedTimeEquals(c.Hash, hash)))
        {
            result = OneTimeCodeCheck.Expired;
        }
        else if (live.Count == 0)
        {
            result = latest.Any(c => !c.Consumed && c.Attempts >= o.MaxAttemptsPerCode && c.ExpiresAt > now)
                ? OneTimeCodeCheck.TooManyAttempts
                : open.Count > 0 ? OneTimeCodeCheck.Expired : OneTimeCodeCheck.Invalid;
        }
        else
        {
            // A wrong try counts against every code still live for this target.
            foreach (var c in live)
            {
                await Execute(connection, transaction, "UPDATE notifications.one_time_codes SET attempts = attempts + 1 WHERE id = $1", cancellationToken, c.Id);
            }
            result = live.All(c => c.Attempts + 1 >= o.MaxAttemptsPerCode) ? OneTimeCodeCheck.TooManyAttempts : OneTimeCodeCheck.Invalid;
        }
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Why an SMS code may not go out now (phone, address block, budget), or null when it may.</summary>
    private async Task<OneTimeCodeIssue?> RefuseSms(NpgsqlConnection connection, byte[] phoneKey, PhoneTrust trust, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var hourAgo = now.AddHours(-1);
        // Serialises sends to one phone from different targets, so concurrent drafts cannot overshoot its limit.
        await using (var lockPhone = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", connection)
                     { Parameters = { new() { Value = "otp-phone:" + Convert.ToHexString(phoneKey) } } })
        {
            await lockPhone.ExecuteNonQueryAsync(cancellationToken);
        }
        var (phoneSends, phoneOldest) = await CountSince(connection,
            "phone_key = $2 AND phone_verified = $3", hourAgo, cancellationToken, phoneKey, trust == PhoneTrust.Verified);
        if (phoneSends >= o.MaxSmsPerPhonePerHour)
        {
            logger.LogWarning("One-time code refused: the phone had {Sends} codes in the last hour ({Trust})", phoneSends, trust);
            return new OneTimeCodeIssue(OneTimeCodeIssueStatus.TooMany, null, phoneOldest!.Value.AddHours(1) - now, null);
        }
        if (configuration.GetValue("RateLimiting:Enabled", true) && CallerBlock() is { } block)
        {
            // Not locked: concurrent requests from one block may overshoot by a few, which the budget still bounds.
            var (blockSends, blockOldest) = await CountSince(connection, "address_key = $2", hourAgo, cancellationToken, Key("block", block));
            if (blockSends >= o.MaxSmsPerAddressBlockPerHour)
            {
                logger.LogWarning("One-time code refused: the caller's address block asked for {Sends} codes in the last hour", blockSends);
                return new OneTimeCodeIssue(OneTimeCodeIssueStatus.TooMany, null, blockOldest!.Value.AddHours(1) - now, null);
            }
        }
        var budget = messaging.Value.Sms.HourlyBudget;
        // Typed-in numbers stop short of the budget: what is left is for codes to phones already verified.
        var allowed = trust == PhoneTrust.Verified ? budget : (long)Math.Floor(budget * (1 - o.VerifiedPhoneBudgetShare));
        await using var count = new NpgsqlCommand("SELECT count(*) FROM notifications.messages WHERE channel = 'sms' AND created_at > $1", connection)
                     { Parameters = { new() { Value = hourAgo } } };
        if ((long)(await count.ExecuteScalarAsync(cancellationToken))! >= allowed)
        {
            logger.LogError("The hourly SMS budget ({Allowed} of {Budget} for {Trust} phones) is used up: one-time codes are refused (SMS pumping?)",
                allowed, budget, trust);
            return new OneTimeCodeIssue(OneTimeCodeIssueStatus.BudgetExhausted, null, TimeSpan.FromMinutes(5), null);
        }
        return null;
    }

    private static async Task<(long Count, DateTimeOffset? Oldest)> CountSince(NpgsqlConnection connection, string where, DateTimeOffset since,
        CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT count(*), min(created_at) FROM notifications.one_time_codes WHERE created_at > $1 AND phone_key IS NOT NULL AND {where}", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = since });
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1));
    }

    // The caller's address block, as the forwarded-headers middleware resolved it; null outside a request.
    private string? CallerBlock() => AddressBlock.Of(http.HttpContext?.Connection.RemoteIpAddress);

    private byte[] Key(string kind, string value) => HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{kind}\n{value}"));

    private static async Task Execute(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql,
        CancellationToken cancellationToken, params object[] values)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private byte[] Hash(string purpose, string target, string code) =>
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{purpose}\n{target}\n{code}"));
}

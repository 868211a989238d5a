using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;
using Npgsql;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using Weasel.Postgresql.Tables;

namespace VssId.Modules.GuardianEnrollment.Captcha;

/// <summary>
/// Captchas without a third-party service. The answer is never stored: it is a keyed hash of the captcha id
/// (HMAC-SHA256 with a key derived from the server key, mapped onto an alphabet without look-alike letters),
/// so the table holds only the id, its owner, its lifetime and its use. A captcha belongs to the account that
/// fetched it, lives 5 minutes and is spent by its first answer, right or wrong (a wrong guess never gets a
/// second try). Issuing is limited per account in the same statement that records it.
/// </summary>
public sealed class Captchas(NpgsqlDataSource database, ServerKeys keys, IConfiguration configuration, TimeProvider time)
{
    public const string TableName = "enrollment.captchas";
    public const int Length = 5;
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The window of the per-account issuing limit; rows are kept at least this long.</summary>
    public static readonly TimeSpan LimitWindow = TimeSpan.FromMinutes(10);

    // No 0/O/Q, 1/I/L, 2/Z, 5/S, 8/B, G/6: what a person reads off a distorted image is what they type.
    private const string Alphabet = "ACDEFHJKMNPRTUVWXY34679";

    private readonly byte[] _key = keys.For("vssid.captcha");
    private readonly bool _limited = configuration.GetValue("RateLimiting:Enabled", true);
    private readonly int _perWindow = configuration.GetValue("RateLimiting:CaptchasPerTenMinutes", 30);

    public static Table Table()
    {
        var table = new Table(TableName);
        table.AddColumn<Guid>("id").AsPrimaryKey();
        table.AddColumn("subject", "text").NotNull();
        table.AddColumn("issued_at", "timestamp with time zone").NotNull();
        table.AddColumn("expires_at", "timestamp with time zone").NotNull();
        table.AddColumn("used_at", "timestamp with time zone");
        table.Indexes.Add(new IndexDefinition("ix_captchas_subject") { Columns = ["subject", "issued_at"] });
        table.Indexes.Add(new IndexDefinition("ix_captchas_issued") { Columns = ["issued_at"] });
        return table;
    }

    /// <summary>A new captcha for <paramref name="subject"/>: its id and image, or 429 past the account's limit.</summary>
    public async Task<(Guid Id, byte[] Png)> Issue(string subject, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var now = time.GetUtcNow();
        await using var command = database.CreateCommand($"""
            INSERT INTO {TableName} (id, subject, issued_at, expires_at)
            SELECT $1, $2, $3, $4 WHERE $5 OR (SELECT count(*) FROM {TableName} WHERE subject = $2 AND issued_at > $6) < $7
            """);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        command.Parameters.Add(new NpgsqlParameter { Value = now });
        command.Parameters.Add(new NpgsqlParameter { Value = now + Lifetime });
        command.Parameters.Add(new NpgsqlParameter { Value = !_limited });
        command.Parameters.Add(new NpgsqlParameter { Value = now - LimitWindow });
        command.Parameters.Add(new NpgsqlParameter { Value = _perWindow });
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new ProblemException(GuardianEnrollmentProblems.CaptchaRateLimited, retryAfter: TimeSpan.FromMinutes(1));
        }
        return (id, CaptchaImage.Draw(AnswerOf(id)));
    }

    /// <summary>
    /// Spends the captcha and checks the answer (case and spaces ignored); throws <c>captcha.invalid</c> for a
    /// wrong, used, unknown or someone else's captcha and <c>captcha.expired</c> past its 5 minutes.
    /// </summary>
    public async Task Verify(string subject, Guid? captchaId, string? answer, CancellationToken cancellationToken)
    {
        if (captchaId is not { } id || string.IsNullOrWhiteSpace(answer))
        {
            throw new ProblemException(GuardianEnrollmentProblems.CaptchaInvalid);
        }
        await using var command = database.CreateCommand($"UPDATE {TableName} SET used_at = $3 WHERE id = $1 AND subject = $2 AND used_at IS NULL RETURNING expires_at");
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() });
        if (await command.ExecuteScalarAsync(cancellationToken) is not DateTime expiresAt)
        {
            throw new ProblemException(GuardianEnrollmentProblems.CaptchaInvalid);
        }
        if (new DateTimeOffset(expiresAt, TimeSpan.Zero) <= time.GetUtcNow())
        {
            throw new ProblemException(GuardianEnrollmentProblems.CaptchaExpired);
        }
        var typed = Encoding.ASCII.GetBytes(new string(answer.Where(c => !char.IsWhiteSpace(c)).Select(char.ToUpperInvariant).Where(char.IsAscii).ToArray()));
        if (!CryptographicOperations.FixedTimeEquals(typed, Encoding.ASCII.GetBytes(AnswerOf(id))))
        {
            throw new ProblemException(GuardianEnrollmentProblems.CaptchaInvalid);
        }
    }

    /// <summary>The answer of a captcha: what the image shows (the development endpoint reads it here).</summary>
    public string AnswerOf(Guid id)
    {
        var mac = HMACSHA256.HashData(_key, id.ToByteArray());
        var answer = new char[Length];
        for (var i = 0; i < Length; i++)
        {
            // Two bytes per letter: the modulo's bias is under 0.04 %.
            answer[i] = Alphabet[((mac[2 * i] << 8) | mac[(2 * i) + 1]) % Alphabet.Length];
        }
        return new string(answer);
    }

    /// <summary>Forgets captchas past the limit window (a recurring job); answers how many.</summary>
    public async Task<int> Forget(CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand($"DELETE FROM {TableName} WHERE issued_at < $1");
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - LimitWindow - Lifetime });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

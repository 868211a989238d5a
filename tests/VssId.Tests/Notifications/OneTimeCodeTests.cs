using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using VssId.Modules.Notifications.Contracts;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Notifications;

public sealed class OneTimeCodeFixture : VssIdFixture
{
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 1, 0, 0, TimeSpan.Zero));

    public CapturedLogs Logs { get; } = new();

    protected override VssIdAppOptions Options => new()
    {
        Services = services =>
        {
            services.AddSingleton<TimeProvider>(Time);
            services.AddSingleton<ILoggerProvider>(Logs);
        },
        Settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" },
    };
}

/// <summary>6 digits, hashed, 5 minutes, resend after 60 s, the last 2 valid, 5 sends an hour, 5 wrong tries.</summary>
public sealed partial class OneTimeCodeTests(OneTimeCodeFixture fixture) : IClassFixture<OneTimeCodeFixture>
{
    private const string Purpose = "phone-verification";

    private async Task<T> Codes<T>(Func<IOneTimeCodes, Task<T>> action)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<IOneTimeCodes>());
    }

    private static string NewPhone() => "09" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string> Issue(string target, string phone)
    {
        var issue = await Codes(c => c.IssueBySms(Purpose, target, phone, PhoneTrust.Unverified, null, default));
        Assert.Equal(OneTimeCodeIssueStatus.Sent, issue.Status);
        return await CodeIn(issue.CodeId!.Value);
    }

    // Read as the user would: from the SMS that reached the (development) phone.
    private async Task<string> CodeIn(Guid messageId)
    {
        string? body = null;
        try
        {
            await Eventually.True(async () =>
            {
                await using var connection = new NpgsqlConnection(fixture.ConnectionString);
                await connection.OpenAsync();
                await using var select = new NpgsqlCommand("SELECT body FROM notifications.outbox WHERE id = $1", connection) { Parameters = { new() { Value = messageId } } };
                body = await select.ExecuteScalarAsync() as string;
                return body is not null;
                // A send that fails (a busy 2-core CI machine) is retried after 10 s, then 60 s: wait for the second retry.
            }, within: TimeSpan.FromSeconds(90), because: "the OTP SMS is sent");
        }
        catch (Xunit.Sdk.FailException failure)
        {
            // Say where the message got stuck, so a rare failure can be diagnosed from the CI log alone.
            var delivery = await NotificationsDb.Delivery(fixture.App, messageId);
            var jobs = await NotificationsDb.Count(fixture.ConnectionString,
                "SELECT count(*) FROM hangfire.job WHERE arguments LIKE '%' || $1 || '%'", messageId.ToString());
            var states = string.Join(", ", fixture.Logs.Lines.Where(l => l.Contains(messageId.ToString(), StringComparison.Ordinal)
                || l.Contains("Hangfire", StringComparison.Ordinal) && l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(10));
            throw new Xunit.Sdk.XunitException($"{failure.Message}\nmessage row: {delivery}\nhangfire jobs naming it: {jobs}\nlogs: {states}");
        }
        return SixDigits().Match(body!).Value;
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();

    [Fact]
    public async Task A_code_arrives_by_sms_is_valid_once_and_a_wrong_code_is_not()
    {
        var target = Guid.NewGuid().ToString();
        var code = await Issue(target, NewPhone());
        Assert.Matches("^[0-9]{6}$", code);
        var wrong = code == "000000" ? "000001" : "000000";
        Assert.Equal(OneTimeCodeCheck.Invalid, await Codes(c => c.Verify(Purpose, target, wrong, default)));
        Assert.Equal(OneTimeCodeCheck.Invalid, await Codes(c => c.Verify("password-reset", target, code, default)));
        Assert.Equal(OneTimeCodeCheck.Valid, await Codes(c => c.Verify(Purpose, target, code, default)));
        Assert.Equal(OneTimeCodeCheck.Invalid, await Codes(c => c.Verify(Purpose, target, code, default)));
    }

    [Fact]
    public async Task A_new_code_may_be_asked_for_after_60_seconds_and_the_last_two_stay_valid()
    {
        var target = Guid.NewGuid().ToString();
        var phone = NewPhone();
        var first = await Issue(target, phone);
        fixture.Time.Advance(TimeSpan.FromSeconds(45));
        var tooSoon = await Codes(c => c.IssueBySms(Purpose, target, phone, PhoneTrust.Unverified, null, default));
        Assert.Equal(OneTimeCodeIssueStatus.TooSoon, tooSoon.Status);
        Assert.Equal(TimeSpan.FromSeconds(15), tooSoon.RetryAfter);

        fixture.Time.Advance(TimeSpan.FromSeconds(16));
        var second = await Issue(target, phone);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        var third = await Issue(target, phone);
        // Only the last two are valid: the first is not, even though it has not expired.
        Assert.Equal(OneTimeCodeCheck.Invalid, await Codes(c => c.Verify(Purpose, target, first, default)));
        Assert.Equal(OneTimeCodeCheck.Valid, await Codes(c => c.Verify(Purpose, target, second, default)));
        Assert.Equal(OneTimeCodeCheck.Valid, await Codes(c => c.Verify(Purpose, target, third, default)));
    }

    [Fact]
    public async Task A_code_expires_after_5_minutes()
    {
        var target = Guid.NewGuid().ToString();
        var code = await Issue(target, NewPhone());
        fixture.Time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.Equal(OneTimeCodeCheck.Expired, await Codes(c => c.Verify(Purpose, target, code, default)));
    }

    [Fact]
    public async Task Five_wrong_tries_kill_the_code()
    {
        var target = Guid.NewGuid().ToString();
        var code = await Issue(target, NewPhone());
        var wrong = code == "123456" ? "654321" : "123456";
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(OneTimeCodeCheck.Invalid, await Codes(c => c.Verify(Purpose, target, wrong, default)));
        }
        Assert.Equal(OneTimeCodeCheck.TooManyAttempts, await Codes(c => c.Verify(Purpose, target, wrong, default)));
        Assert.Equal(OneTimeCodeCheck.TooManyAttempts, await Codes(c => c.Verify(Purpose, target, code, default)));
    }

    [Fact]
    public async Task At_most_5_codes_an_hour_per_target()
    {
        var target = Guid.NewGuid().ToString();
        var phone = NewPhone();
        for (var i = 0; i < 5; i++)
        {
            await Issue(target, phone);
            fixture.Time.Advance(TimeSpan.FromSeconds(61));
        }
        var refused = await Codes(c => c.IssueBySms(Purpose, target, phone, PhoneTrust.Unverified, null, default));
        Assert.Equal(OneTimeCodeIssueStatus.TooMany, refused.Status);
        Assert.Equal(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(5 * 61), refused.RetryAfter);
        fixture.Time.Advance(refused.RetryAfter + TimeSpan.FromSeconds(1));
        await Issue(target, phone);
    }

    [Fact]
    public async Task Codes_are_stored_hashed_and_never_logged()
    {
        var target = Guid.NewGuid().ToString();
        var code = await Issue(target, NewPhone());
        await using var connection = new NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var select = new NpgsqlCommand(
            "SELECT row_to_json(c)::text, code_hash FROM notifications.one_time_codes c WHERE target = $1", connection)
            { Parameters = { new() { Value = NotificationsDb.CodeTarget(Purpose, target) } } };
        await using (var reader = await select.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.DoesNotContain(code, reader.GetString(0), StringComparison.Ordinal);
            Assert.DoesNotContain(target, reader.GetString(0), StringComparison.Ordinal);
            Assert.Equal(32, ((byte[])reader[1]).Length);
        }
        Assert.NotEmpty(fixture.Logs.Lines);
        Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(code, StringComparison.Ordinal));
    }
}

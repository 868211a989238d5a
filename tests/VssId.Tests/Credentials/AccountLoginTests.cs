using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Credentials;

/// <summary>Acceptance A 9–10 and the account rules of product.md, over HTTP against the real Host and PostgreSQL.</summary>
public sealed class AccountLoginTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly IdentityClient _api = new(fixture.App);

    [Fact]
    public async Task A9_the_one_time_password_logs_in_only_to_change_the_password_then_the_new_one_works()
    {
        var approved = IdentityClient.Approval();
        await _api.Publish(approved);
        var oneTime = await _api.OneTimePassword(approved.Phone);
        Assert.Equal(10, oneTime.Length);

        var first = await _api.LoggedIn(approved.BhxhCode, oneTime);
        Assert.True(first.GetProperty("password_change_required").GetBoolean());
        Assert.False(first.TryGetProperty("refresh_token", out _), "a first-login token gets no refresh token");
        var restricted = first.GetProperty("access_token").GetString()!;
        await (await _api.Send(HttpMethod.Get, "/api/v1/account/me", restricted)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");

        // The rules: at least 8 characters, not the user name, not a common password.
        foreach (var (bad, code) in new[] { (oneTime, "password.unchanged"), ("ngan", "password.too_short"), (approved.BhxhCode + "x", "password.same_as_user_name"), ("password123", "password.too_common") })
        {
            var refused = await _api.Send(HttpMethod.Post, "/api/v1/account/password", restricted, new { currentPassword = oneTime, newPassword = bad });
            var problem = await refused.AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(code, problem.GetRawText(), StringComparison.Ordinal);
        }
        await (await _api.Send(HttpMethod.Post, "/api/v1/account/password", restricted, new { currentPassword = "sai-mat-khau", newPassword = "Sông Hồng chảy qua 36 phố" }))
            .AssertProblem(HttpStatusCode.BadRequest, "account.wrong_password");

        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, "/api/v1/account/password", restricted,
            new { currentPassword = oneTime, newPassword = "Sông Hồng chảy qua 36 phố" })).StatusCode);
        // The one-time password is spent, and so is the token it gave.
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Login(approved.BhxhCode, oneTime)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Send(HttpMethod.Post, "/api/v1/account/password", restricted,
            new { currentPassword = oneTime, newPassword = "Một mật khẩu khác hẳn" })).StatusCode);

        var active = await _api.LoggedIn(approved.BhxhCode, "Sông Hồng chảy qua 36 phố");
        Assert.False(active.TryGetProperty("password_change_required", out _));
        Assert.InRange(active.GetProperty("expires_in").GetInt32(), 890, 900);
        var me = await (await _api.Send(HttpMethod.Get, "/api/v1/account/me", active.GetProperty("access_token").GetString())).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(approved.BhxhCode, me.GetProperty("userName").GetString());
        Assert.Equal("Nguyễn Văn An", me.GetProperty("fullName").GetString());
        Assert.Equal("Active", me.GetProperty("status").GetString());
        Assert.Equal(approved.Phone[..3] + "****" + approved.Phone[^3..], me.GetProperty("phone").GetString());
        Assert.Equal(["citizen"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A10_five_wrong_passwords_lock_the_account_and_the_sixth_attempt_is_423_even_when_right()
    {
        var (code, phone, password) = await _api.ActiveCitizen();
        for (var i = 0; i < 5; i++)
        {
            var wrong = await _api.Login(code, $"sai-mat-khau-{i}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Equal("invalid_grant", (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        }
        var locked = await _api.Login(code, password);
        Assert.Equal(HttpStatusCode.Locked, locked.StatusCode);
        Assert.Equal("account_locked", (await locked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        // The holder is told by SMS, once.
        await Eventually.True(async () => (await _api.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Count(m => m.GetProperty("body").GetString()!.Contains("bi tam khoa", StringComparison.Ordinal)) == 1, because: "the lock SMS is sent");

        // Recovery lifts the lock at once.
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset", null, new { bhxhCode = code, channel = "sms" })).StatusCode);
        var reset = await new RegistrationClient(_api.Http).LatestOtp(phone);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset/confirm", null,
            new { bhxhCode = code, code = reset, newPassword = "Mùa thu Hà Nội 2026" })).StatusCode);
        await _api.LoggedIn(code, "Mùa thu Hà Nội 2026");
    }

    [Fact]
    public async Task A_wrong_user_name_and_a_wrong_password_answer_alike()
    {
        var (code, _, _) = await _api.ActiveCitizen();
        var unknown = await _api.Login(RegistrationClient.NewCode(), "Sông Hồng chảy qua 36 phố");
        var wrong = await _api.Login(code, "Sông Hồng chảy qua 37 phố");
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_redelivered_approval_issues_one_account_and_one_sms()
    {
        var approved = IdentityClient.Approval();
        await _api.Publish(approved);
        await _api.Publish(approved);
        var password = await _api.OneTimePassword(approved.Phone);
        await _api.Publish(approved);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE to_key = $1 AND template = 'account_issued'", NotificationsDb.Recipient(approved.Phone)));
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM events.mt_events WHERE type = 'credentials.account_opened' AND data ->> 'BhxhCode' = $1", approved.BhxhCode));
        await _api.LoggedIn(approved.BhxhCode, password);
    }

    [Fact]
    public async Task Recovery_answers_202_for_any_code_and_a_wrong_code_sets_nothing()
    {
        var (code, _, password) = await _api.ActiveCitizen();
        // Unknown codes, a known code by email, the same again too soon: all alike.
        foreach (var (who, channel) in new[] { (RegistrationClient.NewCode(), "sms"), (RegistrationClient.NewCode(), "email"), (code, "email"), (code, "sms") })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset", null, new { bhxhCode = who, channel })).StatusCode);
        }
        // The email channel sends to the email on file, with diacritics.
        await Eventually.True(async () => (await _api.Http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/dev/messages?to=an.nguyen@example.vn", UriKind.Relative)))!
            .Any(m => m.GetProperty("body").GetString()!.Contains("Mã xác thực của bạn là", StringComparison.Ordinal)), because: "the recovery email is sent");

        await (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset/confirm", null, new { bhxhCode = code, code = "000000", newPassword = "Mùa thu Hà Nội 2026" }))
            .AssertProblem(HttpStatusCode.BadRequest, "account.code_invalid");
        await (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset/confirm", null, new { bhxhCode = "12", code = "x", newPassword = "" }))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        await (await _api.Send(HttpMethod.Post, "/api/v1/auth/password-reset", null, new { bhxhCode = code, channel = "fax" }))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        await _api.LoggedIn(code, password);
    }

    [Fact]
    public async Task SmartOtp_once_enabled_login_needs_a_fresh_code()
    {
        var (code, phone, password) = await _api.ActiveCitizen();
        var token = await _api.AccessToken(code, password);

        // Enrolment needs the SMS code first: a stolen token alone cannot bind an authenticator.
        await (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp", token, new { code = "123456" })).AssertProblem(HttpStatusCode.BadRequest, "account.code_invalid");
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/sms", token)).StatusCode);
        var sms = await new RegistrationClient(_api.Http).LatestOtp(phone);
        var enrolled = await (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp", token, new { code = sms })).Content.ReadFromJsonAsync<JsonElement>();
        var totp = new Totp(Base32Encoding.ToBytes(enrolled.GetProperty("secret").GetString()));
        Assert.StartsWith("otpauth://totp/VssID:", enrolled.GetProperty("otpauthUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/confirm", token, new { code = totp.ComputeTotp() })).StatusCode);

        var withoutOtp = await _api.Login(code, password);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutOtp.StatusCode);
        Assert.Equal("otp_required", (await withoutOtp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Login(code, password, "000000")).StatusCode);

        // The code of the current step was spent by the confirmation; the next step's is accepted (clock drift) once.
        var next = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30));
        await _api.LoggedIn(code, password, next);
        Assert.Equal(HttpStatusCode.BadRequest, (await _api.Login(code, password, next)).StatusCode);
        var me = await (await _api.Send(HttpMethod.Get, "/api/v1/account/me", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(me.GetProperty("smartOtpEnabled").GetBoolean());
    }

    [Fact]
    public async Task SmartOtp_is_disabled_only_with_a_current_code_and_then_login_needs_none()
    {
        var (code, phone, password) = await _api.ActiveCitizen();
        var token = await _api.AccessToken(code, password);
        await (await _api.Send(HttpMethod.Delete, "/api/v1/account/smart-otp", token, new { code = "123456" })).AssertProblem(HttpStatusCode.Conflict, "account.smart_otp_not_enabled");
        await (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/confirm", token, new { code = "123456" })).AssertProblem(HttpStatusCode.Conflict, "account.smart_otp_not_enrolled");
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/sms", token)).StatusCode);
        var sms = await new RegistrationClient(_api.Http).LatestOtp(phone);
        var enrolled = await (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp", token, new { code = sms })).Content.ReadFromJsonAsync<JsonElement>();
        var totp = new Totp(Base32Encoding.ToBytes(enrolled.GetProperty("secret").GetString()));
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/confirm", token, new { code = totp.ComputeTotp() })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Login(code, password)).StatusCode);

        await (await _api.Send(HttpMethod.Delete, "/api/v1/account/smart-otp", token, new { code = "000000" })).AssertProblem(HttpStatusCode.BadRequest, "account.code_invalid");
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Delete, "/api/v1/account/smart-otp", token,
            new { code = totp.ComputeTotp(DateTime.UtcNow.AddSeconds(30)) })).StatusCode);
        await _api.LoggedIn(code, password);
    }
}

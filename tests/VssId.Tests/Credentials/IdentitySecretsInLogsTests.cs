using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Credentials;

/// <summary>
/// After the identity scenarios run with every log level on, no log line holds a password, one-time password,
/// OTP, TOTP secret, client secret, access or refresh token — nor the mã số BHXH they belong to.
/// </summary>
public sealed class IdentitySecretsInLogsTests(LoggedFixture fixture) : IClassFixture<LoggedFixture>
{
    [Fact]
    public async Task The_identity_scenarios_log_no_secret()
    {
        var api = new IdentityClient(fixture.App);
        var secrets = new List<string>();

        var approved = IdentityClient.Approval();
        await api.Publish(approved);
        var oneTime = await api.OneTimePassword(approved.Phone);
        secrets.AddRange([approved.BhxhCode, oneTime]);
        var first = await api.LoggedIn(approved.BhxhCode, oneTime);
        secrets.Add(first.GetProperty("access_token").GetString()!);
        const string password = "Sông Hồng chảy qua 36 phố";
        Assert.Equal(HttpStatusCode.NoContent, (await api.Send(HttpMethod.Post, "/api/v1/account/password", first.GetProperty("access_token").GetString(),
            new { currentPassword = oneTime, newPassword = password })).StatusCode);
        var login = await api.LoggedIn(approved.BhxhCode, password);
        secrets.AddRange([password, login.GetProperty("access_token").GetString()!, login.GetProperty("refresh_token").GetString()!]);
        var refreshed = await (await api.Token(("grant_type", "refresh_token"), ("refresh_token", login.GetProperty("refresh_token").GetString()!)))
            .Content.ReadFromJsonAsync<JsonElement>();
        secrets.Add(refreshed.GetProperty("refresh_token").GetString()!);

        // SmartOTP: the SMS code, the secret, a TOTP code.
        var token = login.GetProperty("access_token").GetString();
        Assert.Equal(HttpStatusCode.Accepted, (await api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/sms", token)).StatusCode);
        var sms = await new RegistrationClient(api.Http).LatestOtp(approved.Phone);
        var enrolled = await (await api.Send(HttpMethod.Post, "/api/v1/account/smart-otp", token, new { code = sms })).Content.ReadFromJsonAsync<JsonElement>();
        var totpSecret = enrolled.GetProperty("secret").GetString()!;
        var totp = new Totp(Base32Encoding.ToBytes(totpSecret)).ComputeTotp();
        Assert.Equal(HttpStatusCode.NoContent, (await api.Send(HttpMethod.Post, "/api/v1/account/smart-otp/confirm", token, new { code = totp })).StatusCode);
        secrets.AddRange([sms, totpSecret]);

        // Wrong passwords up to the lock, then recovery by code.
        for (var i = 0; i < 5; i++)
        {
            await api.Login(approved.BhxhCode, $"đoán-sai-lần-{i}");
            secrets.Add($"đoán-sai-lần-{i}");
        }
        Assert.Equal(HttpStatusCode.Accepted, (await api.Send(HttpMethod.Post, "/api/v1/auth/password-reset", null, new { bhxhCode = approved.BhxhCode, channel = "sms" })).StatusCode);
        var reset = await new RegistrationClient(api.Http).LatestOtp(approved.Phone, after: 1);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Send(HttpMethod.Post, "/api/v1/auth/password-reset/confirm", null,
            new { bhxhCode = approved.BhxhCode, code = reset, newPassword = "Mùa thu Hà Nội 2026" })).StatusCode);
        secrets.AddRange([reset, "Mùa thu Hà Nội 2026"]);

        // Staff and clients.
        var staff = await api.ActiveStaff("officer", "00131");
        var client = await api.Client("partner");
        secrets.AddRange([staff.Password, client.Secret, client.Token]);
        await Eventually.True(() => Task.FromResult(fixture.Logs.Lines.Any(l => l.Contains("Sent sms", StringComparison.Ordinal))), because: "messages were sent");

        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var secret in secrets.Distinct())
        {
            var leak = fixture.Logs.Lines.FirstOrDefault(line => line.Contains(secret, StringComparison.Ordinal));
            Assert.True(leak is null, $"a secret of {secret.Length} characters is in a log line: {leak?[..Math.Min(leak.Length, 200)]}");
        }
    }
}

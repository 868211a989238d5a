using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 item 7: a daily cap of wrong resume codes per application, then resume is shut for a day and the owner told.</summary>
public sealed class ResumeGuessingTests
{
    [Fact]
    public async Task Ten_wrong_codes_in_a_day_shut_resume_for_a_day_and_the_owner_gets_an_sms()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Services = s => s.AddSingleton<TimeProvider>(clock),
        });
        var api = new RegistrationClient(app.CreateClient());
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, _) = await api.Ready(code, phone);
        Task<HttpResponseMessage> Ask() => api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume", UriKind.Relative), new { bhxhCode = code, phone });
        Task<HttpResponseMessage> Confirm(string otp) =>
            api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume/confirm", UriKind.Relative), new { bhxhCode = code, phone, code = otp });
        async Task<int> Otps() => (await api.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Count(m => m.GetProperty("body").GetString()!.Contains("Ma xac thuc", StringComparison.Ordinal));

        // A guesser: two codes sent an hour apart, five wrong tries each (a dead code still counts as a wrong try).
        var statuses = new List<int>();
        for (var round = 0; round < 2; round++)
        {
            var before = await Otps();
            Assert.Equal(HttpStatusCode.Accepted, (await Ask()).StatusCode);
            var sent = await api.LatestOtp(phone, before);
            var wrong = sent == "000000" ? "000001" : "000000";
            for (var i = 0; i < 5; i++)
            {
                statuses.Add((int)(await Confirm(wrong)).StatusCode);
            }
            clock.Advance(TimeSpan.FromHours(1));
        }
        Assert.Equal([400, 400, 400, 400, 429, 400, 400, 400, 400, 429], statuses);

        // Shut: no new code goes out (the answer is still 202), and even a right code is refused like a wrong one.
        var otpsWhenLocked = await Otps();
        Assert.Equal(HttpStatusCode.Accepted, (await Ask()).StatusCode);
        await Eventually.True(async () => (await api.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Any(m => m.GetProperty("body").GetString()!.Contains("tam khoa", StringComparison.Ordinal)), because: "the owner is told resume is shut");
        Assert.Equal(otpsWhenLocked, await Otps());
        await (await Confirm("123456")).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");

        // A day later resume works again.
        clock.Advance(TimeSpan.FromHours(24));
        var ready = await Otps();
        Assert.Equal(HttpStatusCode.Accepted, (await Ask()).StatusCode);
        var otp = await api.LatestOtp(phone, ready);
        var resumed = await Confirm(otp);
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        Assert.Equal(id, (await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
    }
}

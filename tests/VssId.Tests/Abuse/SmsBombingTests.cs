using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using VssId.Modules.Notifications.Contracts;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 1, acceptance F1: SMS codes are limited per phone across every application, per caller
/// address block, and the hourly budget keeps a share for phones already verified.
/// </summary>
public sealed class SmsBombingTests
{
    private static async Task<OneTimeCodeIssueStatus> Issue(VssIdApp app, string target, string phone, PhoneTrust trust)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IOneTimeCodes>().IssueBySms("registration.phone", target, phone, trust, null, default)).Status;
    }

    private static Task<long> SmsTo(VssIdApp app, string phone) =>
        NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.messages WHERE channel = 'sms' AND to_key = $1", NotificationsDb.Recipient(phone));

    [Fact]
    public async Task One_phone_receives_at_most_5_codes_an_hour_however_many_applications_name_it()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var victim = RegistrationClient.NewPhone();
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            var draft = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), victim));
            var sent = await api.Send(HttpMethod.Post, $"/api/v1/registrations/{draft.Id}/phone-verification", draft.Token);
            answers.Add(sent.StatusCode);
            if (i >= 5)
            {
                await sent.AssertProblem(HttpStatusCode.TooManyRequests, "otp.too_many_sends");
                Assert.NotNull(sent.Headers.RetryAfter);
            }
        }
        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Accepted, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 2)), answers);
        Assert.Equal(5, await SmsTo(app, victim));

        // A PUT that moves a draft onto the victim's phone gains nothing: the limit is the phone's, not the draft's.
        var elsewhere = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var code = (await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{elsewhere.Id}", elsewhere.Token))
            .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("bhxhCode").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await api.Send(HttpMethod.Put, $"/api/v1/registrations/{elsewhere.Id}", elsewhere.Token,
            System.Net.Http.Json.JsonContent.Create(RegistrationClient.Declaration(code, victim)))).StatusCode);
        await (await api.Send(HttpMethod.Post, $"/api/v1/registrations/{elsewhere.Id}/phone-verification", elsewhere.Token))
            .AssertProblem(HttpStatusCode.TooManyRequests, "otp.too_many_sends");
        Assert.Equal(5, await SmsTo(app, victim));

        // The owner's own flows on the verified phone (recovery, resume, SmartOTP) are counted apart.
        Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue(app, "owner-account", victim, PhoneTrust.Verified));
    }

    [Fact]
    public async Task One_address_block_asks_for_a_limited_number_of_codes_and_another_block_is_not_affected()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["RateLimiting:Enabled"] = "true",
                ["OneTimeCodes:MaxSmsPerAddressBlockPerHour"] = "2",
            },
        });
        var api = new RegistrationClient(app.CreateClient());
        async Task<int> SendFrom(string address)
        {
            var draft = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
            var context = await app.Server.SendAsync(c =>
            {
                c.Request.Method = HttpMethods.Post;
                c.Request.Path = $"/api/v1/registrations/{draft.Id}/phone-verification";
                c.Request.Headers.Authorization = "Bearer " + draft.Token;
                c.Connection.RemoteIpAddress = IPAddress.Parse(address);
            });
            return context.Response.StatusCode;
        }
        // Three addresses of one /24, each with a fresh draft and a fresh phone: the block is what counts.
        Assert.Equal(202, await SendFrom("203.0.113.7"));
        Assert.Equal(202, await SendFrom("203.0.113.8"));
        Assert.Equal(429, await SendFrom("203.0.113.200"));
        // IPv6: the /64 is one subscriber.
        Assert.Equal(202, await SendFrom("2001:db8:5:6::1"));
        Assert.Equal(202, await SendFrom("2001:db8:5:6:ffff::2"));
        Assert.Equal(429, await SendFrom("2001:db8:5:6::3"));
        Assert.Equal(202, await SendFrom("198.51.100.1"));
        Assert.Equal(202, await SendFrom("2001:db8:5:7::1"));
    }

    [Fact]
    public async Task A_flood_of_new_numbers_leaves_the_share_of_the_budget_kept_for_verified_phones()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?> { ["Messaging:Sms:HourlyBudget"] = "5" },
        });
        // 20 % of 5 is kept: typed-in numbers get 4.
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue(app, $"flood-{i}", RegistrationClient.NewPhone(), PhoneTrust.Unverified));
        }
        Assert.Equal(OneTimeCodeIssueStatus.BudgetExhausted, await Issue(app, "flood-4", RegistrationClient.NewPhone(), PhoneTrust.Unverified));
        Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue(app, "recovery", RegistrationClient.NewPhone(), PhoneTrust.Verified));
        Assert.Equal(OneTimeCodeIssueStatus.BudgetExhausted, await Issue(app, "recovery-2", RegistrationClient.NewPhone(), PhoneTrust.Verified));
    }

    [Fact]
    public async Task Phones_and_address_blocks_are_counted_without_being_stored()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?> { ["RateLimiting:Enabled"] = "true" },
        });
        var phone = RegistrationClient.NewPhone();
        // The target names the phone, as a registration's does ("{application}:{phone}"): it is stored as an HMAC too.
        Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue(app, $"stored:{phone}", phone, PhoneTrust.Unverified));
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM notifications.one_time_codes c WHERE row_to_json(c)::text LIKE '%' || $1 || '%'", phone));
        Assert.Equal(1, await NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM notifications.one_time_codes WHERE length(phone_key) = 32"));
    }
}

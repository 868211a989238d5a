using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Messaging;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>Issue 13 item 13: the consent recorded with the application, and what Notifications keeps only for a while.</summary>
public sealed class ConsentAndRetentionTests
{
    [Fact]
    public async Task The_consent_text_version_channel_and_time_are_recorded_with_the_application()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync());
        var api = new RegistrationClient(app.CreateClient());
        var text = await api.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/consent-text", UriKind.Relative));
        Assert.Equal("2026-01", text.GetProperty("version").GetString());
        Assert.Contains("Nghị định 13/2023/NĐ-CP", text.GetProperty("vi").GetString(), StringComparison.Ordinal);
        await (await api.Http.GetAsync(new Uri("/api/v1/consent-text?version=1999-01", UriKind.Relative))).AssertProblem(HttpStatusCode.NotFound, "request.not_found");

        var declaration = JsonSerializer.SerializeToNode(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()))!.AsObject();
        declaration["consent"] = new System.Text.Json.Nodes.JsonObject { ["textVersion"] = "2026-01", ["channel"] = "app" };
        var (id, token) = await api.Start(declaration);
        var consent = (await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("consent");
        Assert.Equal("2026-01", consent.GetProperty("textVersion").GetString());
        Assert.Equal("app", consent.GetProperty("channel").GetString());
        Assert.True(consent.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        // Without it, the current text through channel "api" (the integrating app is answerable for showing it).
        var (plainId, plainToken) = await api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal("api", (await (await api.Send(HttpMethod.Get, $"/api/v1/registrations/{plainId}", plainToken)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("consent").GetProperty("channel").GetString());

        var before = await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM registration.application_index");
        declaration["bhxhCode"] = RegistrationClient.NewCode();
        declaration["consent"] = new System.Text.Json.Nodes.JsonObject { ["textVersion"] = "1999-01", ["channel"] = "app" };
        var refused = await (await api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), declaration))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.True(refused.GetProperty("errors").TryGetProperty("consent.textVersion", out _));
        Assert.Equal(before, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM registration.application_index"));
    }

    [Fact]
    public async Task Codes_go_after_a_day_delivery_addresses_are_masked_after_90_days_and_outbox_rows_after_7()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions { Services = s => s.AddSingleton<TimeProvider>(clock) });
        var phone = RegistrationClient.NewPhone();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Equal(OneTimeCodeIssueStatus.Sent,
                (await scope.ServiceProvider.GetRequiredService<IOneTimeCodes>().IssueBySms("registration.phone", "retention", phone, PhoneTrust.Unverified, null, default)).Status);
        }
        await Eventually.True(async () => await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.outbox WHERE to_address = $1", phone) == 1,
            because: "the SMS is delivered");
        async Task<long> Run()
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<RetentionJob>().Run(default);
        }
        Assert.Equal(0, await Run());

        clock.Advance(TimeSpan.FromDays(8));
        await Run();
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.one_time_codes WHERE target = $1",
            NotificationsDb.CodeTarget("registration.phone", "retention")));
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.outbox WHERE to_address = $1", phone));
        Assert.Equal(1, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.messages WHERE to_key = $1", NotificationsDb.Recipient(phone)));

        clock.Advance(TimeSpan.FromDays(83));
        await Run();
        Assert.Equal(0, await NotificationsDb.Count(app.ConnectionString, "SELECT count(*) FROM notifications.messages WHERE to_key = $1", NotificationsDb.Recipient(phone)));
        var masked = phone[..3] + new string('*', phone.Length - 5) + phone[^2..];
        Assert.Equal(1, await NotificationsDb.Count(app.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE to_address = $1 AND to_key IS NULL AND body_redacted = '' AND body_protected IS NULL", masked));
        Assert.Equal(0, await Run());
    }
}

using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VssId.Modules.Notifications.Contracts;
using VssId.Modules.Notifications.Messaging.Providers;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Notifications;

/// <summary>A provider that delivers into the outbox and then hangs: the host is stopped right there.</summary>
internal sealed class HangingAfterDelivery(OutboxProvider outbox, TaskCompletionSource delivered) : ISmsProvider
{
    public async Task Deliver(OutgoingMessage message, NpgsqlConnection transaction, CancellationToken cancellationToken)
    {
        await outbox.Deliver(message, transaction, cancellationToken);
        delivered.TrySetResult();
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }
}

/// <summary>Messages survive the host stopping at the worst moments, and are sent exactly once (outbox provider).</summary>
public sealed class MessagingCrashTests
{
    private static async Task<long> OutboxRows(string connectionString, Guid id) =>
        await NotificationsDb.Count(connectionString, "SELECT count(*) FROM notifications.outbox WHERE id = $1", id);

    private static async Task Accept(VssIdApp app, Guid id, string phone)
    {
        await using var scope = app.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<IMessageSender>().SendSms(
            new SmsRequest(id, phone, MessageTemplates.AccountLocked, new Dictionary<string, string> { ["minutes"] = "15" }), default));
    }

    // Issue 13 item 6: a message whose job is gone (its worker killed after fetching it, or the job failed
    // outside its own try) is not left Pending for ever: the minutely sweep sends it, still exactly once.
    [Fact]
    public async Task A_message_whose_job_was_lost_is_swept_up_and_sent_exactly_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var id = Guid.NewGuid();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api", Services = s => s.AddSingleton<TimeProvider>(clock) }))
        {
            await Accept(api, id, "0352153202");
            // The job disappears: nothing will ever run it.
            Assert.Equal(1, await NotificationsDb.Count(database, "WITH gone AS (DELETE FROM hangfire.jobqueue RETURNING 1) SELECT count(*) FROM gone"));
            await using var scope = api.Services.CreateAsyncScope();
            var sweep = scope.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Messaging.SweepUnsentMessagesJob>();
            Assert.Equal(0, await sweep.Run(default)); // not overdue yet: a healthy job may still be on its way
            clock.Advance(VssId.Modules.Notifications.Messaging.SweepUnsentMessagesJob.Grace + TimeSpan.FromSeconds(1));
            Assert.Equal(1, await sweep.Run(default));
        }
        Assert.Equal(0, await OutboxRows(database, id));

        await using var worker = new VssIdApp(database, new VssIdAppOptions { Roles = "worker" });
        _ = worker.Server;
        await NotificationsDb.WaitForStatus(worker, id, "Sent");
        Assert.Equal(1, await OutboxRows(database, id));
        await using var after = worker.Services.CreateAsyncScope();
        Assert.Equal(0, await after.ServiceProvider.GetRequiredService<VssId.Modules.Notifications.Messaging.SweepUnsentMessagesJob>().Run(default));
    }

    [Fact]
    public async Task A_host_stopped_between_enqueue_and_send_sends_after_restart_exactly_once()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var id = Guid.NewGuid();
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        {
            await Accept(api, id, "0352153201");
        }
        Assert.Equal(0, await OutboxRows(database, id));

        await using var worker = new VssIdApp(database, new VssIdAppOptions { Roles = "worker" });
        _ = worker.Server;
        await NotificationsDb.WaitForStatus(worker, id, "Sent");
        Assert.Equal(1, await OutboxRows(database, id));
        Assert.Equal(1, (await NotificationsDb.Delivery(worker, id))!.Attempts);
    }

    [Fact]
    public async Task A_host_stopped_in_the_middle_of_a_send_rolls_it_back_and_sends_exactly_once_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var id = Guid.NewGuid();
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (var first = new VssIdApp(database, new VssIdAppOptions
                     {
                         Services = s => s.AddSingleton<ISmsProvider>(sp => new HangingAfterDelivery(sp.GetRequiredService<OutboxProvider>(), delivered)),
                     }))
        {
            await Accept(first, id, "0352153202");
            // The outbox row is written inside the send transaction, which has not committed yet.
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.Equal(0, await OutboxRows(database, id));

        await using var second = new VssIdApp(database, new VssIdAppOptions { Roles = "worker" });
        _ = second.Server;
        await NotificationsDb.WaitForStatus(second, id, "Sent");
        Assert.Equal(1, await OutboxRows(database, id));
    }

    [Fact]
    public async Task Beyond_the_hourly_sms_budget_one_time_codes_are_refused()
    {
        await using var app = new VssIdApp(await TestPostgres.CreateDatabaseAsync(), new VssIdAppOptions
        {
            Settings = new Dictionary<string, string?> { ["Messaging:Sms:HourlyBudget"] = "2" },
        });
        async Task<OneTimeCodeIssueStatus> Issue(string target)
        {
            await using var scope = app.Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<IOneTimeCodes>().IssueBySms("phone-verification", target, "0352153203", PhoneTrust.Verified, null, default)).Status;
        }
        Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue("a"));
        Assert.Equal(OneTimeCodeIssueStatus.Sent, await Issue("b"));
        Assert.Equal(OneTimeCodeIssueStatus.BudgetExhausted, await Issue("c"));
    }
}

using Microsoft.Extensions.DependencyInjection;
using VssId.Modules.Notifications.Contracts;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Credentials;

/// <summary>
/// The host stops between the approval's account and its SMS: the account is committed, the SMS is not.
/// The approval delivered again after a restart ends with exactly one account and one SMS, and the password
/// in that SMS is the one the account was opened with.
/// </summary>
public sealed class AccountIssueCrashTests
{
    private sealed class StopsBeforeTheAccountSms(IMessageSender inner) : IMessageSender
    {
        public Task<bool> SendSms(SmsRequest request, CancellationToken cancellationToken) =>
            request.Template == MessageTemplates.AccountIssued
                ? throw new OperationCanceledException("the host stops here")
                : inner.SendSms(request, cancellationToken);

        public Task<bool> SendEmail(EmailRequest request, CancellationToken cancellationToken) => inner.SendEmail(request, cancellationToken);
    }

    [Fact]
    public async Task A_host_stopped_between_the_account_and_its_sms_issues_one_account_and_one_sms_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var approved = IdentityClient.Approval();
        await using (var stopping = new VssIdApp(database, new VssIdAppOptions
        {
            Services = services =>
            {
                var real = services.Last(d => d.ServiceType == typeof(IMessageSender));
                services.Add(ServiceDescriptor.Describe(typeof(IMessageSender),
                    sp => new StopsBeforeTheAccountSms((IMessageSender)ActivatorUtilities.CreateInstance(sp, real.ImplementationType!)), real.Lifetime));
            },
        }))
        {
            await Assert.ThrowsAsync<OperationCanceledException>(() => new IdentityClient(stopping).Publish(approved));
        }
        Assert.Equal(1, await NotificationsDb.Count(database,
            "SELECT count(*) FROM events.mt_events WHERE type = 'credentials.account_opened' AND data ->> 'BhxhCode' = $1", approved.BhxhCode));
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'account_issued' AND to_key = $1", NotificationsDb.Recipient(approved.Phone)));

        await using var restarted = new VssIdApp(database);
        var api = new IdentityClient(restarted);
        await api.Publish(approved); // the relay's redelivery
        await api.Publish(approved); // and once more for good measure
        var password = await api.OneTimePassword(approved.Phone);
        Assert.Equal(1, await NotificationsDb.Count(database,
            "SELECT count(*) FROM events.mt_events WHERE type = 'credentials.account_opened' AND data ->> 'BhxhCode' = $1", approved.BhxhCode));
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'account_issued' AND to_key = $1", NotificationsDb.Recipient(approved.Phone)));
        var login = await api.LoggedIn(approved.BhxhCode, password);
        Assert.True(login.GetProperty("password_change_required").GetBoolean());
    }
}

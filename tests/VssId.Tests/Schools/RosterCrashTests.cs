using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Schools;

/// <summary>
/// A host stopped right after it answered a roster, before any consent SMS left (an API-only host runs no relay and
/// no jobs): after a restart every accepted child's guardian gets exactly one consent SMS, also when the event is
/// delivered again.
/// </summary>
public sealed class RosterCrashTests
{
    [Fact]
    public async Task A_roster_answered_just_before_the_host_stopped_sends_one_consent_sms_per_child_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var pupils = Enumerable.Range(0, 5).Select(i => SchoolClient.NewPupil(i)).ToList();
        Guid[] ids;
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        {
            var school = new SchoolClient(api);
            var token = await school.Token("HN-THCS-020");
            var csv = SchoolClient.EnglishHeader + "\n" + string.Join("\n", pupils.Select(p => p.Csv()));
            ids = (await SchoolClient.Results(await school.PostCsv(token, "HN-THCS-020", "4D", csv)))
                .Select(r => r.GetProperty("enrollmentId").GetGuid()).ToArray();
        }
        Assert.Equal(5, ids.Length);
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent'"));

        await using var restarted = new VssIdApp(database);
        _ = restarted.Services; // starts the host (the factory starts it lazily)
        await Eventually.True(async () =>
            await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent' AND status = 'Sent'") == 5,
            because: "the consent SMS follow the committed roster after the restart");
        // Delivered again (at least once means maybe twice): still one SMS per child, with the same code.
        await using (var scope = restarted.Services.CreateAsyncScope())
        {
            for (var i = 0; i < ids.Length; i++)
            {
                await IntegrationEventDispatcher.Dispatch(scope.ServiceProvider,
                    new ChildEnrollmentAwaitingConsentV1(ids[i], "HN-THCS-020", "4D", pupils[i].FullName, pupils[i].GuardianPhone, DateTimeOffset.UtcNow),
                    new IntegrationEventContext(Guid.NewGuid(), 0, ids[i], DateTimeOffset.UtcNow), default);
            }
        }
        foreach (var pupil in pupils)
        {
            Assert.Equal(1, await NotificationsDb.Count(database,
                "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_consent' AND to_key = $1", NotificationsDb.Recipient(pupil.GuardianPhone)));
        }
    }
}

using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>
/// A host stopped right after "Ghi nhận" was answered 202, before anything followed from it (an API-only host
/// runs no relay and no jobs): after a restart the Mẫu 01 is rendered once, the guardian gets one receipt SMS
/// and the office one case.
/// </summary>
public sealed class EnrollmentCrashTests
{
    [Fact]
    public async Task A_recorded_enrolment_whose_host_stopped_before_its_form_gets_one_form_one_sms_and_one_case_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        string phone, token, number;
        Guid id;
        await using (var full = new VssIdApp(database))
        {
            (_, phone, token) = await new EnrollmentClient(full).Guardian();
        }
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        {
            (id, number) = await new EnrollmentClient(api).Submitted(token, RegistrationClient.NewCode());
        }
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_received' AND to_key = $1", NotificationsDb.Recipient(phone)));
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM approval.case_index WHERE application_number = $1", number));

        await using var restarted = new VssIdApp(database);
        var client = new EnrollmentClient(restarted);
        var pdf = await client.Form(token, id);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        await Eventually.True(async () =>
            await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_received' AND to_key = $1", NotificationsDb.Recipient(phone)) == 1
            && await NotificationsDb.Count(database, "SELECT count(*) FROM approval.case_index WHERE application_number = $1", number) == 1,
            because: "the receipt SMS and the case follow after the restart");
        // Delivered again (at least once means maybe twice): still one of each.
        var view = await client.Get(token, id);
        var child = view.GetProperty("child");
        var again = new ChildEnrollmentSubmittedV1(id, number, "00131", DateTimeOffset.UtcNow, child.GetProperty("bhxhCode").GetString()!,
            child.GetProperty("fullName").GetString()!, DateOnly.Parse(child.GetProperty("dateOfBirth").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            "Nam", view.GetProperty("address").GetProperty("line").GetString()!, "Hà Nội",
            new EnrollingGuardianV1("0100000000", "Nguyễn Văn An", EnrollmentClient.GuardianCccd, "father", phone, null),
            [new EnrolledDocumentV1("birth-certificate", $"enrollment/{id:N}/birth-certificate.jpg", "image/jpeg")]);
        await using (var scope = restarted.Services.CreateAsyncScope())
        {
            await IntegrationEventDispatcher.Dispatch(scope.ServiceProvider, again, new IntegrationEventContext(Guid.NewGuid(), 0, id, DateTimeOffset.UtcNow), default);
        }
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE template = 'enrollment_received' AND to_key = $1", NotificationsDb.Recipient(phone)));
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM approval.case_index WHERE application_number = $1", number));
    }
}

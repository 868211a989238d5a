using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Registration;

/// <summary>A submission answered 202 keeps all its consequences even if the host stops right after answering.</summary>
public sealed class SubmissionCrashTests
{
    [Fact]
    public async Task A_host_stopped_right_after_a_202_still_sends_the_receipt_and_the_email_once_after_restart()
    {
        var database = await TestPostgres.CreateDatabaseAsync();
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        const string email = "crash.test@example.vn";
        string number;
        // The API role answers and commits; it runs neither the relay nor the jobs.
        await using (var api = new VssIdApp(database, new VssIdAppOptions { Roles = "api" }))
        await using (var worker = new VssIdApp(database, new VssIdAppOptions { Roles = "worker" }))
        {
            _ = worker.Server;
            var client = new RegistrationClient(api.CreateClient());
            var (id, token) = await client.Start(RegistrationClient.Declaration(code, phone, email));
            // OTP SMS needs the worker to be delivered; the worker of this first run sends it.
            await client.VerifyPhone(id, token, phone);
            await client.AttachAll(id, token);
            await worker.DisposeAsync();
            var submitted = await client.Submit(id, token, byEmail: true);
            Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
            number = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        }
        Assert.Equal(0, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.messages WHERE to_key = $1", NotificationsDb.Recipient(email)));

        await using (var restarted = new VssIdApp(database))
        {
            _ = restarted.Server;
            await Eventually.True(async () => await NotificationsDb.Count(database,
                "SELECT count(*) FROM notifications.outbox WHERE to_address = $1 AND subject LIKE '%' || $2", email, number) == 1,
                because: "the declaration email goes out after the restart");
            await Eventually.True(async () => await NotificationsDb.Count(database,
                "SELECT count(*) FROM notifications.outbox WHERE to_address = $1 AND body LIKE '%' || $2 || '%'", phone, number) == 1,
                because: "the receipt SMS goes out after the restart");
        }
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.outbox WHERE to_address = $1", email));
        Assert.Equal(1, await NotificationsDb.Count(database, "SELECT count(*) FROM notifications.documents WHERE application_number = $1", number));
    }
}

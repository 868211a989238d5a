using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Abuse;

/// <summary>
/// Issue 13 item 12 (photos and forms): sealed at rest with the person's own key; erasure deletes the key, after which
/// the photos, the Mẫu 01 and its verification show nothing, and the audit trail records who erased whom.
/// </summary>
public sealed class ErasureTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00123";

    [Fact]
    public async Task Erasing_a_person_makes_their_photos_and_form_unreadable_everywhere_and_is_audited()
    {
        var identity = new IdentityClient(fixture.App);
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var code = RegistrationClient.NewCode();
        var (id, token) = await registration.Ready(code, RegistrationClient.NewPhone());
        var submit = await registration.Submit(id, token, Office);
        var number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        HttpResponseMessage? pdf = null;
        await Eventually.True(async () => (pdf = await registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}/declaration.pdf", token)).StatusCode == HttpStatusCode.OK,
            because: "the Mẫu 01 is rendered");
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString((await pdf!.Content.ReadAsByteArrayAsync())[..4]), StringComparison.Ordinal);
        var verifyUrl = await VerifyUrl(number);

        // At rest: neither the photo files nor the stored PDF are readable without the person's key.
        var root = fixture.App.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!;
        foreach (var file in Directory.GetFiles(Path.Combine(root, "registration", id.ToString("N"))))
        {
            var raw = await File.ReadAllBytesAsync(file);
            Assert.False(raw[0] == 0xFF && raw[1] == 0xD8, "a photo is not stored as a plain JPEG");
        }
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.documents WHERE application_number = $1 AND position('%PDF'::bytea in content) > 0", number));

        var officer = await identity.ActiveStaff("officer", Office);
        var officerToken = await identity.AccessToken(officer.UserName, officer.Password);
        Guid caseId = default;
        await Eventually.True(async () =>
        {
            var items = (await (await identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases?applicationNumber={number}", officerToken))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items");
            if (items.GetArrayLength() == 1)
            {
                caseId = items[0].GetProperty("id").GetGuid();
            }
            return caseId != default;
        }, because: "the case reaches the office");
        Assert.Equal(HttpStatusCode.OK, (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}/documents/portrait", officerToken)).StatusCode);
        Assert.True((await fixture.App.CreateClient().GetFromJsonAsync<JsonElement>(verifyUrl)).GetProperty("authentic").GetBoolean());

        // Only an administrator erases.
        await (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", officerToken)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        var admin = await identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        await (await identity.Send(HttpMethod.Post, "/api/v1/admin/people/12345/erasure", admin)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        var erased = await (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, erased.GetProperty("keysShredded").GetInt32());

        // From now on: the photo is gone for the office, the form for the applicant, and the QR verifies nothing.
        await (await identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}/documents/portrait", officerToken)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}/declaration.pdf", token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        var verification = await fixture.App.CreateClient().GetFromJsonAsync<JsonElement>(verifyUrl);
        Assert.False(verification.GetProperty("authentic").GetBoolean());
        Assert.DoesNotContain("Nguyễn Văn An", verification.GetRawText(), StringComparison.Ordinal);

        var audit = await (await identity.Send(HttpMethod.Get, $"/api/v1/admin/audit?who={code}", admin)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e => e.GetProperty("action").GetString() == "person.erased" && e.GetProperty("actor").GetString() == IdentityClient.DevAdmin);
        // Again: nothing more to shred, and still recorded.
        Assert.Equal(0, (await (await identity.Send(HttpMethod.Post, $"/api/v1/admin/people/{code}/erasure", admin)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("keysShredded").GetInt32());
    }

    // The link the form's QR carries (MessagingTests reads it off the rendered page; here the token is made the same way).
    private async Task<Uri> VerifyUrl(string applicationNumber)
    {
        await using var connection = new Npgsql.NpgsqlConnection(fixture.ConnectionString);
        await connection.OpenAsync();
        await using var select = new Npgsql.NpgsqlCommand("SELECT id FROM notifications.documents WHERE application_number = $1", connection)
            { Parameters = { new() { Value = applicationNumber } } };
        var documentId = (Guid)(await select.ExecuteScalarAsync())!;
        var token = fixture.App.Services.GetRequiredService<VssId.Modules.Notifications.Documents.DocumentToken>().Create(documentId);
        return new Uri($"/api/v1/documents/verify?token={token}", UriKind.Relative);
    }

    [Fact]
    public async Task A_new_key_erased_between_its_commit_and_being_remembered_is_not_remembered()
    {
        var services = fixture.App.Services;
        var keys = services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>();
        var subject = RegistrationClient.NewCode();
        await using var session = services.GetRequiredService<Marten.IDocumentStore>().LightweightSession();
        var made = await keys.PrepareFor(session, [subject], new HashSet<string> { subject }, default);
        await session.SaveChangesAsync();
        var blob = VssId.BuildingBlocks.Privacy.PersonKeys.Seal(Assert.Single(made), "0912345678"u8);

        // The erasure lands after the commit and before the save's listener remembers the key it made.
        Assert.Equal([made[0].Id], await keys.Shred(subject, default));
        keys.Stored(made);

        Assert.Null(await keys.Open(blob, default));
    }
}

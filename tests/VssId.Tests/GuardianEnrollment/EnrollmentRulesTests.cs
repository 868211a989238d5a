using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Features.ExpireEnrollments;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>Acceptance B2 and every refusal of issue 11 item 2, each with its problem code; nothing is stored by a refused request.</summary>
public sealed class EnrollmentRulesTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly EnrollmentClient _api = new(fixture.App);

    private Task<long> Enrollments(string childCode) =>
        NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.enrollment_index WHERE child_bhxh_code = $1", childCode);

    [Fact]
    public async Task B2_a_child_of_18_a_guardian_cccd_that_is_not_theirs_and_a_missing_birth_certificate_are_refused()
    {
        var (_, _, token) = await _api.Guardian();
        var code = RegistrationClient.NewCode();
        var adult = await (await _api.Start(token, code, "2000-01-01")).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("enrollment.child_adult", FieldCode(adult, "child.dateOfBirth"));
        var notTheirs = await (await _api.Start(token, code, guardianIdNumber: "079090009999")).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("enrollment.guardian_id_mismatch", FieldCode(notTheirs, "guardianIdNumber"));
        var withCccd = await (await _api.Start(token, code, identityNumber: "001216004321")).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("enrollment.child_has_cccd", FieldCode(withCccd, "child.identityNumber"));
        Assert.Equal(0, await Enrollments(code));

        var id = await _api.Started(token, code);
        await (await _api.Submit(token, id)).AssertProblem(HttpStatusCode.Conflict, "enrollment.birth_certificate_missing");
        Assert.Equal("Draft", (await _api.Get(token, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_age_limit_is_taken_on_the_calendar_of_Vietnam()
    {
        var (_, _, token) = await _api.Guardian();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh")).DateTime);
        // 18 today: an adult. 18 tomorrow: still a child.
        await (await _api.Start(token, RegistrationClient.NewCode(), today.AddYears(-18).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal(HttpStatusCode.Created, (await _api.Start(token, RegistrationClient.NewCode(),
            today.AddYears(-18).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))).StatusCode);
    }

    [Fact]
    public async Task A_child_code_with_an_account_or_an_enrolment_in_an_office_or_a_guardian_with_ten_children_is_refused()
    {
        var (_, _, token) = await _api.Guardian();
        // A code with an account (an approved adult): 409, and nothing stored.
        var withAccount = IdentityClientApproval();
        await _api.Identity.Publish(withAccount);
        await _api.Identity.OneTimePassword(withAccount.Phone);
        await (await _api.Start(token, withAccount.BhxhCode)).AssertProblem(HttpStatusCode.Conflict, "enrollment.child_has_account");
        Assert.Equal(0, await Enrollments(withAccount.BhxhCode));

        // A child another guardian already recorded: 409 at the start; this guardian's own draft twice: 409.
        var (_, _, other) = await _api.Guardian();
        var child = RegistrationClient.NewCode();
        await _api.Submitted(other, child);
        await (await _api.Start(token, child)).AssertProblem(HttpStatusCode.Conflict, "enrollment.child_enrolled");
        var mine = RegistrationClient.NewCode();
        await _api.Started(token, mine);
        await (await _api.Start(token, mine)).AssertProblem(HttpStatusCode.Conflict, "enrollment.child_enrolled");

        // Ten children (the draft above is one), then the eleventh is refused.
        for (var i = 0; i < 9; i++)
        {
            await _api.Started(token, RegistrationClient.NewCode());
        }
        var eleventh = RegistrationClient.NewCode();
        await (await _api.Start(token, eleventh)).AssertProblem(HttpStatusCode.Conflict, "enrollment.too_many_children");
        Assert.Equal(0, await Enrollments(eleventh));
        var page = await (await _api.Identity.Send(HttpMethod.Get, "/api/v1/me/children?limit=4", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, page.GetProperty("items").GetArrayLength());
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var next = await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/me/children?limit=4{(cursor is null ? "" : $"&cursor={cursor}")}", token))
                .Content.ReadFromJsonAsync<JsonElement>();
            seen.AddRange(next.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
            cursor = next.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(10, seen.Distinct().Count());
        await (await _api.Identity.Send(HttpMethod.Get, "/api/v1/me/children?cursor=not-a-cursor", token)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
    }

    [Fact]
    public async Task A_code_with_an_adult_application_in_an_office_is_refused_and_an_adult_application_for_an_enrolled_child_too()
    {
        var (_, _, token) = await _api.Guardian();
        var registration = new RegistrationClient(fixture.App.CreateClient());
        var adultCode = RegistrationClient.NewCode();
        var (appId, appToken) = await registration.Ready(adultCode, RegistrationClient.NewPhone());
        Assert.Equal(HttpStatusCode.Accepted, (await registration.Submit(appId, appToken, "00131")).StatusCode);
        await (await _api.Start(token, adultCode)).AssertProblem(HttpStatusCode.Conflict, "enrollment.application_open");

        var child = RegistrationClient.NewCode();
        var (draftId, draftToken) = await registration.Ready(child, RegistrationClient.NewPhone());
        await _api.Submitted(token, child);
        await (await registration.Submit(draftId, draftToken, "00131")).AssertProblem(HttpStatusCode.Conflict, "registration.application_open");
    }

    [Fact]
    public async Task Another_guardian_gets_404_on_every_enrolment_route_and_bad_photos_are_refused()
    {
        var (_, _, token) = await _api.Guardian();
        var (_, _, stranger) = await _api.Guardian();
        var id = await _api.Started(token, RegistrationClient.NewCode());
        foreach (var (method, url) in new[]
        {
            (HttpMethod.Get, $"/api/v1/me/children/{id}"), (HttpMethod.Post, $"/api/v1/me/children/{id}/submit"), (HttpMethod.Get, $"/api/v1/me/children/{id}/form-01.pdf"),
            (HttpMethod.Get, $"/api/v1/me/children/{Guid.NewGuid()}"), (HttpMethod.Get, $"/api/v1/me/children/{Guid.Empty}"),
        })
        {
            await (await _api.Identity.Send(method, url, stranger)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        }
        await (await _api.Attach(stranger, id)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        Assert.Empty((await (await _api.Identity.Send(HttpMethod.Get, "/api/v1/me/children", stranger)).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray());

        await (await _api.Attach(token, id, "id-front")).AssertProblem(HttpStatusCode.NotFound, "enrollment.document_kind_unknown");
        await (await _api.Attach(token, id, image: TestImages.TinyJpeg)).AssertProblem(HttpStatusCode.BadRequest, "enrollment.document_too_small");
        await (await _api.Attach(token, id, image: "GIF89a not a photo"u8.ToArray())).AssertProblem(HttpStatusCode.UnsupportedMediaType, "enrollment.document_not_image");
        await (await _api.Attach(token, id, image: new byte[5 * 1024 * 1024 + 1])).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "enrollment.document_too_large");
        await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/me/children/{id}/form-01.pdf", token)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_submitted");

        // A portrait is optional; the birth certificate's metadata is stripped; after "Ghi nhận" nothing changes.
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id, "portrait")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id, image: TestImages.JpegWithGps())).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Submit(token, id)).StatusCode);
        await (await _api.Attach(token, id)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_editable");
        await (await _api.Submit(token, id)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_editable");
        var kinds = (await _api.Get(token, id)).GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["birth-certificate", "portrait"], kinds);
    }

    [Fact]
    public async Task A_draft_left_for_30_days_expires_its_photos_are_deleted_and_it_no_longer_counts_as_a_child()
    {
        var (_, _, token) = await _api.Guardian();
        var first = RegistrationClient.NewCode();
        var id = await _api.Started(token, first);
        // A JPEG, then a PNG: one stored file per kind, the replaced JPEG goes at once (issue 13 item 3).
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id)).StatusCode);
        var photos = Path.Combine(fixture.App.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!, "enrollment", id.ToString("N"));
        Assert.Matches("^birth-certificate-[0-9a-f]{32}\\.jpg$", Assert.Single(Directory.GetFiles(photos).Select(Path.GetFileName)));
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id, image: TestImages.Png)).StatusCode);
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(photos) is [var only] && only.EndsWith(".png", StringComparison.Ordinal)),
            because: "the replaced JPEG is deleted");
        for (var i = 0; i < 9; i++)
        {
            await _api.Started(token, RegistrationClient.NewCode());
        }
        await (await _api.Start(token, RegistrationClient.NewCode())).AssertProblem(HttpStatusCode.Conflict, "enrollment.too_many_children");

        // 29 days on nothing lapses; 31 days on the ten drafts have, each once.
        Assert.Equal(0, await ExpiryAt(DateTimeOffset.UtcNow.AddDays(29)));
        Assert.Equal("Draft", (await _api.Get(token, id)).GetProperty("status").GetString());
        Assert.True(await ExpiryAt(DateTimeOffset.UtcNow.AddDays(31)) >= 10);
        Assert.Equal(0, await ExpiryAt(DateTimeOffset.UtcNow.AddDays(31)));
        Assert.Equal("Expired", (await _api.Get(token, id)).GetProperty("status").GetString());
        await (await _api.Attach(token, id)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_editable");
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(photos).Length == 0), because: "the expired draft's birth certificate is deleted");

        // Expired enrolments count as nobody's child: the same child again, and an eleventh.
        await _api.Started(token, first);
        await _api.Started(token, RegistrationClient.NewCode());
    }

    [Fact]
    public async Task A_hundred_uploads_in_a_day_keep_one_file_per_kind_then_the_budget_refuses_before_the_photo_is_read()
    {
        var (_, _, token) = await _api.Guardian();
        var id = await _api.Started(token, RegistrationClient.NewCode());
        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id, i % 2 == 0 ? "birth-certificate" : "portrait")).StatusCode);
        }
        var refused = await _api.Attach(token, id);
        await refused.AssertProblem(HttpStatusCode.TooManyRequests, "enrollment.upload_budget_used");
        Assert.True(refused.Headers.RetryAfter!.Delta > TimeSpan.FromHours(23));
        // Refused before the body is parsed: not even a file that is no photo gets as far as its 415.
        await (await _api.Attach(token, id, image: "GIF89a not a photo"u8.ToArray())).AssertProblem(HttpStatusCode.TooManyRequests, "enrollment.upload_budget_used");
        var photos = Path.Combine(fixture.App.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!, "enrollment", id.ToString("N"));
        // The same photo each time, each upload under its own name: the replaced files go, one file per kind stays.
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(photos).Select(f => Path.GetFileName(f)[..^37]).Order(StringComparer.Ordinal)
            .SequenceEqual(["birth-certificate", "portrait"])), because: "each replaced photo is deleted");
    }

    [Fact]
    public async Task Ghi_nhan_and_uploads_at_the_same_moment_submit_at_most_once_and_never_fail_with_a_5xx()
    {
        var (_, _, token) = await _api.Guardian();
        var id = await _api.Started(token, RegistrationClient.NewCode());
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id)).StatusCode);
        var submits = Enumerable.Range(0, 3).Select(_ => _api.Submit(token, id)).ToList();
        var uploads = Enumerable.Range(0, 3).Select(i => _api.Attach(token, id, "portrait", TestImages.Png)).ToList();
        await Task.WhenAll(submits.Concat(uploads));
        var statuses = submits.Concat(uploads).Select(t => (int)t.Result.StatusCode).ToList();
        // Each write decides on the version it read: one wins, the others answer 409 (an upload may win over every submission).
        Assert.True(statuses.All(s => s is 202 or 204 or 409), string.Join(", ", statuses));
        var submitted = submits.Count(t => t.Result.StatusCode == HttpStatusCode.Accepted);
        Assert.True(submitted <= 1, string.Join(", ", statuses));
        Assert.Equal(submitted == 1 ? "Submitted" : "Draft", (await _api.Get(token, id)).GetProperty("status").GetString());
        Assert.Equal(submitted, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM enrollment.enrollment_index WHERE id = $1 AND open_submission", id));
    }

    private Task<HttpResponseMessage> Withdraw(string token, Guid id) => _api.Identity.Send(HttpMethod.Delete, $"/api/v1/me/children/{id}", token);

    [Fact]
    public async Task A_guardian_withdraws_a_draft_which_is_then_gone_for_everyone_with_its_photo_and_frees_its_slot()
    {
        var (_, _, token) = await _api.Guardian();
        var (_, _, stranger) = await _api.Guardian();
        var code = RegistrationClient.NewCode();
        var id = await _api.Started(token, code);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id)).StatusCode);
        var photos = Path.Combine(fixture.App.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!, "enrollment", id.ToString("N"));
        Assert.Single(Directory.GetFiles(photos));

        // Another guardian's draft, an unknown id, the all-zero id, no token: refused alike, and nothing changes.
        await (await Withdraw(stranger, id)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await Withdraw(token, Guid.NewGuid())).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await Withdraw(token, Guid.Empty)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await _api.Identity.Http.DeleteAsync(new Uri($"/api/v1/me/children/{id}", UriKind.Relative))).StatusCode);
        Assert.Equal("Draft", (await _api.Get(token, id)).GetProperty("status").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await Withdraw(token, id)).StatusCode);
        // Gone: not readable, not listed, not writable, not withdrawable twice.
        await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/me/children/{id}", token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        var list = await (await _api.Identity.Send(HttpMethod.Get, "/api/v1/me/children?limit=100", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
        await (await _api.Attach(token, id)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Submit(token, id)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await Withdraw(token, id)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(photos).Length == 0), because: "the withdrawn draft's birth certificate is deleted");
        // The withdrawn draft takes none of the guardian's 10 slots: nine other children, then a tenth is accepted, an eleventh is not.
        for (var i = 0; i < 9; i++)
        {
            await _api.Started(token, RegistrationClient.NewCode());
        }
        await _api.Started(token, RegistrationClient.NewCode());
        await (await _api.Start(token, RegistrationClient.NewCode())).AssertProblem(HttpStatusCode.Conflict, "enrollment.too_many_children");
    }

    [Fact]
    public async Task A_withdrawn_child_can_be_enrolled_again_at_once()
    {
        // A draft of the child (under a mistyped name, say) refuses a second one; withdrawn, it no longer does.
        var (_, _, token) = await _api.Guardian();
        var code = RegistrationClient.NewCode();
        var id = await _api.Started(token, code);
        await (await _api.Start(token, code)).AssertProblem(HttpStatusCode.Conflict, "enrollment.child_enrolled");
        Assert.Equal(HttpStatusCode.NoContent, (await Withdraw(token, id)).StatusCode);
        var again = await _api.Started(token, code);
        Assert.NotEqual(id, again);
        Assert.Equal("Draft", (await _api.Get(token, again)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Only_a_draft_can_be_withdrawn()
    {
        var (_, _, token) = await _api.Guardian();
        var (id, _) = await _api.Submitted(token, RegistrationClient.NewCode());
        await (await Withdraw(token, id)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_editable");
        Assert.Equal("Submitted", (await _api.Get(token, id)).GetProperty("status").GetString());
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM enrollment.enrollment_index WHERE id = $1 AND open_submission", id));
    }

    private Task<int> ExpiryAt(DateTimeOffset now)
    {
        var services = fixture.App.Services;
        return new ExpireEnrollmentsJob(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<ConsentCodes>(), new FakeTimeProvider(now)).Run(default);
    }

    private static string? FieldCode(JsonElement problem, string field) =>
        problem.GetProperty("fieldErrors").EnumerateArray().First(e => e.GetProperty("field").GetString() == field).GetProperty("code").GetString();

    private static VssId.Modules.Approval.Contracts.ApplicationApprovedV1 IdentityClientApproval() => Credentials.IdentityClient.Approval();
}

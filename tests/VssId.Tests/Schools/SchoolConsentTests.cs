using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.Features.ExpireEnrollments;
using VssId.Tests.GuardianEnrollment;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;

namespace VssId.Tests.Schools;

/// <summary>
/// A school of one code reaches nothing of another (404, as if it did not exist); only the guardian the row named
/// consents; the SMS code is checked against the mobile, limited per mobile, and dies with the 30-day window.
/// </summary>
public sealed class SchoolConsentTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly SchoolClient _school = new(fixture.App);

    [Fact]
    public async Task A_school_client_gets_404_on_everything_of_another_school()
    {
        var mine = await _school.Token("HN-THCS-010");
        var theirs = await _school.Token("HN-THCS-011");
        var pupil = SchoolClient.NewPupil();
        var id = (await SchoolClient.Results(await _school.PostJson(mine, "HN-THCS-010", new { classCode = "6A1", children = new[] { pupil } })))[0]
            .GetProperty("enrollmentId").GetGuid();
        var theirPupil = SchoolClient.NewPupil(1);
        await SchoolClient.Results(await _school.PostJson(theirs, "HN-THCS-011", new { classCode = "6A1", children = new[] { theirPupil } }));

        var probes = new (HttpMethod Method, string Url, object? Body)[]
        {
            (HttpMethod.Get, "/api/v1/schools/HN-THCS-010/enrollments", null),
            (HttpMethod.Get, "/api/v1/schools/HN-THCS-010/enrollments?classCode=6A1", null),
            (HttpMethod.Get, "/api/v1/schools/HN-THCS-010/classes", null),
            (HttpMethod.Get, "/api/v1/schools/HN-THCS-010/classes/6A1/forms.zip", null),
            (HttpMethod.Post, $"/api/v1/schools/HN-THCS-010/enrollments/{id}/form-received", null),
            // Their own school in the path, my enrolment's id: still not theirs.
            (HttpMethod.Post, $"/api/v1/schools/HN-THCS-011/enrollments/{id}/form-received", null),
            (HttpMethod.Post, "/api/v1/schools/HN-THCS-010/enrollments", new { classCode = "6A1", children = new[] { SchoolClient.NewPupil(2) } }),
            // A school that does not exist answers the same.
            (HttpMethod.Get, "/api/v1/schools/HN-THCS-999/enrollments", null),
        };
        foreach (var (method, url, body) in probes)
        {
            await (await _school.Identity.Send(method, url, theirs, body)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        }
        var theirList = await _school.List(theirs, "HN-THCS-011");
        Assert.DoesNotContain(theirList.GetProperty("items").EnumerateArray(), i => i.GetProperty("id").GetGuid() == id);
        Assert.Equal(1, (await _school.List(mine, "HN-THCS-010")).GetProperty("items").GetArrayLength());
        // An unknown class of my own school: 404 too, with its own code.
        await (await _school.Identity.Send(HttpMethod.Get, "/api/v1/schools/HN-THCS-010/classes/9Z/forms.zip", mine)).AssertProblem(HttpStatusCode.NotFound, "school.class_unknown");
        // Before consent there is no form to receive.
        await (await _school.Identity.Send(HttpMethod.Post, $"/api/v1/schools/HN-THCS-010/enrollments/{id}/form-received", mine))
            .AssertProblem(HttpStatusCode.Conflict, "enrollment.not_submitted");
    }

    [Fact]
    public async Task Only_the_named_guardian_consents_and_a_wrong_code_or_mobile_changes_nothing()
    {
        var token = await _school.Token("HN-THCS-012");
        var enrolments = new EnrollmentClient(fixture.App);
        var named = await enrolments.Guardian();
        var stranger = await enrolments.Guardian();
        var withAccount = SchoolClient.NewPupil(0, named.BhxhCode, SchoolClient.NewPupil().GuardianPhone);
        var withoutAccount = SchoolClient.NewPupil(1);
        var results = await SchoolClient.Results(await _school.PostJson(token, "HN-THCS-012", new { classCode = "2A", children = new[] { withAccount, withoutAccount } }));
        var (accountId, smsId) = (results[0].GetProperty("enrollmentId").GetGuid(), results[1].GetProperty("enrollmentId").GetGuid());

        // The row's mobile is not where the SMS goes when the guardian has an account: their verified mobile is.
        var code = await _school.ConsentCode(named.Phone);
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM notifications.messages WHERE to_key = $1", NotificationsDb.Recipient(withAccount.GuardianPhone)));
        await (await _school.Identity.Send(HttpMethod.Post, $"/api/v1/me/children/{accountId}/consent", stranger.Token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _school.Identity.Send(HttpMethod.Get, $"/api/v1/me/children/{accountId}", stranger.Token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        // The guardian sees it (with its school and class) and may attach the birth certificate before consenting.
        var view = await enrolments.Get(named.Token, accountId);
        Assert.Equal("AwaitingGuardianConsent", view.GetProperty("status").GetString());
        Assert.Equal("2A", view.GetProperty("school").GetProperty("classCode").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await enrolments.Attach(named.Token, accountId)).StatusCode);
        // A guardian's own "Ghi nhận" is not how a school's enrolment is submitted.
        await (await enrolments.Submit(named.Token, accountId)).AssertProblem(HttpStatusCode.Conflict, "enrollment.not_editable");
        Assert.Equal(HttpStatusCode.Accepted, (await _school.Identity.Send(HttpMethod.Post, $"/api/v1/me/children/{accountId}/consent", named.Token)).StatusCode);
        await (await _school.Identity.Send(HttpMethod.Post, $"/api/v1/me/children/{accountId}/consent", named.Token))
            .AssertProblem(HttpStatusCode.Conflict, "enrollment.not_awaiting_consent");
        // Consent given in the account spent the SMS code too.
        await (await _school.Confirm(named.Phone, code)).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");

        var smsCode = await _school.ConsentCode(withoutAccount.GuardianPhone);
        var wrong = smsCode[..7] + (smsCode[7] == '0' ? '1' : '0');
        await (await _school.Confirm(withoutAccount.GuardianPhone, wrong)).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");
        // The right code from another mobile is no code at all.
        await (await _school.Confirm(named.Phone, smsCode)).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");
        await (await _school.Confirm("12345", smsCode)).AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");
        var list = await _school.List(token, "HN-THCS-012", "2A");
        Assert.Equal("AwaitingGuardianConsent", list.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == smsId).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _school.Confirm("+84 " + withoutAccount.GuardianPhone[1..], smsCode)).StatusCode);
        list = await _school.List(token, "HN-THCS-012", "2A", "Submitted");
        Assert.Equal(2, list.GetProperty("items").GetArrayLength());
        // The mobiles a school sent (one of a guardian with an account, one of a guardian without) are nowhere in clear: the
        // enrolments, their consent SMS, the wrong codes counted per mobile, the submissions and cases hold them sealed or hashed.
        foreach (var mobile in new[] { withAccount.GuardianPhone, withoutAccount.GuardianPhone, named.Phone })
        {
            Assert.True((await DatabaseScan.ClearCopies(fixture.ConnectionString, mobile)).Count == 0,
                $"{mobile} in clear: {string.Join(", ", await DatabaseScan.ClearCopies(fixture.ConnectionString, mobile))}");
        }

        // Issue 13 item 14: the guardian named on the class list sees that the school read it.
        var reads = (await (await _school.Identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", named.Token)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").EnumerateArray().ToList();
        Assert.Contains(reads, r => r.GetProperty("what").GetString() == "school-list" && r.GetProperty("readerKind").GetString() == "school"
            && r.GetProperty("readerOffice").GetString() == "HN-THCS-012" && r.GetProperty("reference").GetString() == "2A");
        // The stranger's data was on no list.
        Assert.Equal(0, (await (await _school.Identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", stranger.Token)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Wrong_codes_are_limited_per_mobile_for_a_day()
    {
        var services = fixture.App.Services;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:ConsentFailuresPerDay"] = "3",
        }).Build();
        var phones = services.GetRequiredService<VssId.BuildingBlocks.Privacy.PhoneDigests>();
        var codes = new ConsentCodes(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<ServerKeys>(), phones, settings, clock);
        var phone = SchoolClient.NewPupil().GuardianPhone;
        for (var i = 0; i < 3; i++)
        {
            Assert.False(await codes.Exhausted(phone, default));
            await codes.RecordFailure(phone, default);
        }
        Assert.True(await codes.Exhausted(phone, default));
        Assert.False(await codes.Exhausted(SchoolClient.NewPupil().GuardianPhone, default));
        // Counted by its HMAC: the mobile itself is not kept.
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.consent_failures WHERE phone = $1", phone));
        Assert.Equal(3, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.consent_failures WHERE phone = $1", phones.Of(phone)));
        clock.Advance(ConsentCodes.FailureWindow + TimeSpan.FromSeconds(1));
        Assert.False(await codes.Exhausted(phone, default));
        await codes.Forget(default);
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM enrollment.consent_failures WHERE phone = $1", phones.Of(phone)));
        // The code is the enrolment's own: stable, 8 digits, different for another enrolment.
        var id = Guid.NewGuid();
        Assert.Equal(codes.For(id), codes.For(id));
        Assert.Matches("^[0-9]{8}$", codes.For(id));
        Assert.NotEqual(codes.For(id), codes.For(Guid.NewGuid()));
    }

    [Fact]
    public async Task An_enrolment_nobody_consented_to_for_30_days_expires_its_code_answers_expired_and_the_school_may_send_the_child_again()
    {
        var token = await _school.Token("HN-THCS-013");
        var pupil = SchoolClient.NewPupil();
        var enrolments = new EnrollmentClient(fixture.App);
        var guardian = await enrolments.Guardian();
        var withPhoto = SchoolClient.NewPupil(1, guardian.BhxhCode, SchoolClient.NewPupil().GuardianPhone);
        var rows = await SchoolClient.Results(await _school.PostJson(token, "HN-THCS-013", new { classCode = "3C", children = new[] { pupil, withPhoto } }));
        var id = rows[0].GetProperty("enrollmentId").GetGuid();
        var code = await _school.ConsentCode(pupil.GuardianPhone);
        // The named guardian attaches the birth certificate, then never consents.
        var photoId = rows[1].GetProperty("enrollmentId").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await enrolments.Attach(guardian.Token, photoId)).StatusCode);
        var photos = Path.Combine(fixture.App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["FileStore:Root"]!, "enrollment", photoId.ToString("N"));
        Assert.NotEmpty(Directory.GetFiles(photos));
        var services = fixture.App.Services;
        var job = new ExpireEnrollmentsJob(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<ConsentCodes>(), new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(29)));
        await job.Run(default);
        Assert.Equal("AwaitingGuardianConsent", (await _school.List(token, "HN-THCS-013", "3C")).GetProperty("items")[0].GetProperty("status").GetString());

        var late = new FakeTimeProvider(DateTimeOffset.UtcNow.AddDays(31));
        job = new ExpireEnrollmentsJob(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<NpgsqlDataSource>(),
            services.GetRequiredService<ConsentCodes>(), late);
        Assert.True(await job.Run(default) >= 1);
        Assert.Equal(0, await job.Run(default));
        Assert.Equal("Expired", (await _school.List(token, "HN-THCS-013", "3C")).GetProperty("items")[0].GetProperty("status").GetString());
        await (await _school.Confirm(pupil.GuardianPhone, code)).AssertProblem(HttpStatusCode.BadRequest, "otp.expired");
        // Issue 13 item 3: an expired enrolment's photos are deleted, as a registration draft's are.
        await Eventually.True(() => Task.FromResult(Directory.GetFiles(photos).Length == 0), because: "the expired enrolment's birth certificate is deleted");

        var again = await SchoolClient.Results(await _school.PostJson(token, "HN-THCS-013", new { classCode = "3C", children = new[] { pupil } }));
        Assert.Equal("accepted", again[0].GetProperty("status").GetString());
        Assert.NotEqual(id, again[0].GetProperty("enrollmentId").GetGuid());
    }
}

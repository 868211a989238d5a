using System.Net;
using Microsoft.Extensions.DependencyInjection;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>The same-child race, and the office's decisions reaching the guardian: rejection, needs-information and resubmission to the same case.</summary>
public sealed class EnrollmentReviewTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00131";
    private readonly EnrollmentClient _api = new(fixture.App);

    [Fact]
    public async Task Two_guardians_recording_the_same_child_at_once_one_wins_the_other_gets_409()
    {
        var child = RegistrationClient.NewCode();
        var (_, _, father) = await _api.Guardian();
        var (_, _, mother) = await _api.Guardian();
        // Drafts do not block each other: both start and attach.
        var first = await _api.Started(father, child);
        var second = await _api.Started(mother, child);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(father, first)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(mother, second)).StatusCode);

        var answers = await Task.WhenAll(_api.Submit(father, first), _api.Submit(mother, second));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        await answers.Single(a => a.StatusCode != HttpStatusCode.Accepted).AssertProblem(HttpStatusCode.Conflict, "enrollment.child_enrolled");
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM enrollment.enrollment_index WHERE child_bhxh_code = $1 AND open_submission", child));
    }

    [Fact]
    public async Task A_request_for_information_reopens_the_enrolment_the_guardian_resubmits_to_the_same_case_and_a_rejection_is_final()
    {
        var (_, phone, token) = await _api.Guardian(email: "me.cua.khoi@example.vn");
        var identity = _api.Identity;
        var officer = await identity.ActiveStaff("officer", Office);
        var officerToken = await identity.AccessToken(officer.UserName, officer.Password);
        var (id, number) = await _api.Submitted(token, RegistrationClient.NewCode());

        var caseId = await CaseOf(officerToken, number);
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        await Eventually.True(async () => (await _api.Get(token, id)).GetProperty("status").GetString() == "UnderReview", because: "the review started");
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/request-information", officerToken,
            new { reasonCode = "birth_certificate.unreadable", note = "Ảnh giấy khai sinh bị mờ." })).StatusCode);
        JsonElement reopened = default;
        await Eventually.True(async () => (reopened = await _api.Get(token, id)).GetProperty("status").GetString() == "NeedsInformation", because: "the enrolment reopens");
        Assert.Equal("birth_certificate.unreadable", reopened.GetProperty("rejection").GetProperty("reasonCode").GetString());
        Assert.Contains("Ảnh giấy khai sinh bị mờ.", reopened.GetProperty("rejection").GetProperty("message").GetString(), StringComparison.Ordinal);
        await Eventually.True(async () => (await Bodies(phone)).Any(b => b.Contains("can bo sung", StringComparison.Ordinal) && b.Contains(number, StringComparison.Ordinal)),
            because: "the guardian gets the SMS");
        await Eventually.True(async () => (await Bodies("me.cua.khoi@example.vn")).Any(b => b.Contains("cần bổ sung thông tin", StringComparison.Ordinal)),
            because: "and the email, with diacritics");

        // Fixed and recorded again: a new number, the same case, back in the queue. The new photo lands beside the one the
        // first submission carried, which stays as it was: the office's case still shows what was submitted.
        var photos = Path.Combine(fixture.App.Services.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>()["FileStore:Root"]!,
            "enrollment", id.ToString("N"));
        var submittedFiles = Directory.GetFiles(photos).ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(token, id, image: ClearerPhoto())).StatusCode);
        Assert.All(submittedFiles, file => Assert.Equal(file.Value, File.ReadAllBytes(file.Key)));
        Assert.Equal(submittedFiles.Count + 1, Directory.GetFiles(photos).Length);
        var again = await _api.Submit(token, id);
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var secondNumber = (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        Assert.NotEqual(number, secondNumber);
        Assert.Equal(caseId, await CaseOf(officerToken, secondNumber));

        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/reject", officerToken,
            new { reasonCode = "guardian.not_entitled" })).StatusCode);
        await Eventually.True(async () => (await _api.Get(token, id)).GetProperty("status").GetString() == "Rejected", because: "the rejection reaches the guardian");
        await Eventually.True(async () => (await Bodies(phone)).Any(b => b.Contains("khong duoc duyet", StringComparison.Ordinal) && b.Contains(secondNumber, StringComparison.Ordinal)),
            because: "the rejection SMS");
        // Registration did not take the child's decisions for an adult's.
        Assert.Equal(0, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM events.mt_events WHERE type LIKE 'registration.%' AND stream_id = $1", id));
    }

    // Another birth certificate than TestImages.Jpeg: the same size, other pixels.
    private static byte[] ClearerPhoto()
    {
        using var bitmap = new SkiaSharp.SKBitmap(800, 600);
        using (var canvas = new SkiaSharp.SKCanvas(bitmap))
        {
            canvas.Clear(new SkiaSharp.SKColor(245, 240, 225));
            using var ink = new SkiaSharp.SKPaint { Color = new SkiaSharp.SKColor(20, 30, 90) };
            canvas.DrawRect(100, 100, 600, 40, ink);
        }
        using var data = bitmap.Encode(SkiaSharp.SKEncodedImageFormat.Jpeg, 85);
        return data.ToArray();
    }

    private async Task<Guid> CaseOf(string officerToken, string number)
    {
        Guid id = default;
        await Eventually.True(async () =>
        {
            var page = await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases?applicationNumber={number}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 1)
            {
                id = items[0].GetProperty("id").GetGuid();
                Assert.Equal("child", items[0].GetProperty("kind").GetString());
            }
            return items.Count == 1;
        }, because: $"{number} reaches the queue");
        return id;
    }

    private async Task<List<string>> Bodies(string to) =>
        (await _api.Identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={to}", UriKind.Relative)))!
            .Select(m => m.GetProperty("body").GetString()!).ToList();
}

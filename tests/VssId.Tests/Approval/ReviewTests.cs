using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Notifications;
using VssId.Tests.Registration;

namespace VssId.Tests.Approval;

/// <summary>Acceptance A 8–10 and D 1–4: an office reviews submissions over HTTP, and the applicant sees the outcome.</summary>
public sealed class ReviewTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00123";
    private readonly IdentityClient _identity = new(fixture.App);
    private readonly RegistrationClient _registration = new(fixture.App.CreateClient());

    private async Task<(Guid Id, string Token, string Code, string Phone, string Number)> Submitted()
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await _registration.Ready(code, phone);
        var submit = await _registration.Submit(id, token, Office);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        return (id, token, code, phone, number);
    }

    private async Task<JsonElement> InQueue(string officer, string number, string? status = null)
    {
        JsonElement item = default;
        await Eventually.True(async () =>
        {
            var page = await (await _identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases?applicationNumber={number}" + (status is null ? "" : $"&status={status}"), officer))
                .Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            if (items.Count == 1)
            {
                item = items[0];
            }
            return items.Count == 1;
        }, because: $"submission {number} reaches the office's queue");
        return item;
    }

    private async Task<string> ApplicationStatus(Guid id, string token, string expected)
    {
        string? status = null;
        await Eventually.True(async () =>
        {
            var application = await (await _registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
            status = application.GetProperty("status").GetString();
            return status == expected;
        }, because: $"the application becomes {expected}");
        return status!;
    }

    // A decided application is read with the status lookup: its access token ended with the decision (issue 13 item 10).
    private async Task DecidedStatus(Guid id, string token, string code, string phone, string expected)
    {
        await Eventually.True(async () => (await _registration.Http.GetFromJsonAsync<JsonElement>(
                new Uri($"/api/v1/registrations/status?bhxhCode={code}&phone={phone}", UriKind.Relative))).GetProperty("status").GetString() == expected,
            because: $"the application becomes {expected}");
        await (await _registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).AssertProblem(HttpStatusCode.Unauthorized, "registration.token_expired");
    }

    [Fact]
    public async Task A8_to_A10_an_officer_claims_and_approves_and_the_applicant_logs_in_with_the_sms_password()
    {
        var (id, token, code, phone, number) = await Submitted();
        var officer = await _identity.ActiveStaff("officer", Office);
        var officerToken = await _identity.AccessToken(officer.UserName, officer.Password);

        var item = await InQueue(officerToken, number);
        Assert.Equal("Pending", item.GetProperty("status").GetString());
        Assert.Equal("Nguyễn Văn An", item.GetProperty("fullName").GetString());
        var caseId = item.GetProperty("id").GetGuid();

        // Approving without a claim is refused; the claim starts the review.
        await (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).AssertProblem(HttpStatusCode.Conflict, "case.not_claimed_by_you");
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        await ApplicationStatus(id, token, "UnderReview");

        var view = await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, view.GetProperty("declaration").GetProperty("bhxhCode").GetString());
        Assert.Equal(3, view.GetProperty("documents").GetArrayLength());
        var photo = await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}/documents/portrait", officerToken);
        Assert.Equal(HttpStatusCode.OK, photo.StatusCode);
        Assert.Equal("image/jpeg", photo.Content.Headers.ContentType!.MediaType);
        Assert.Contains("no-store", photo.Headers.CacheControl!.ToString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).StatusCode);
        await DecidedStatus(id, token, code, phone, "Approved");
        await (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).AssertProblem(HttpStatusCode.Conflict, "case.decided");

        // A9: the SMS password, the first-login restriction, the change, the new password.
        var oneTime = await _identity.OneTimePassword(phone);
        var first = await _identity.LoggedIn(code, oneTime);
        Assert.True(first.GetProperty("password_change_required").GetBoolean());
        await (await _identity.Send(HttpMethod.Get, "/api/v1/account/me", first.GetProperty("access_token").GetString())).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, "/api/v1/account/password", first.GetProperty("access_token").GetString(),
            new { currentPassword = oneTime, newPassword = "Sông Hồng chảy qua 36 phố" })).StatusCode);
        var me = await (await _identity.Send(HttpMethod.Get, "/api/v1/account/me", await _identity.AccessToken(code, "Sông Hồng chảy qua 36 phố")))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(code, me.GetProperty("bhxhCode").GetString());

        // Issue 13 item 14: the person sees that the office read the case and the portrait (the office, never the officer's name).
        var accessLog = await _identity.Send(HttpMethod.Get, "/api/v1/account/me/access-log", await _identity.AccessToken(code, "Sông Hồng chảy qua 36 phố"));
        var reads = (await accessLog.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray()
            .Select(i => (What: i.GetProperty("what").GetString(), Office: i.GetProperty("readerOffice").GetString(), Reference: i.GetProperty("reference").GetString()))
            .ToList();
        Assert.Contains(("case", Office, number), reads);
        Assert.Contains(("photo:portrait", Office, number), reads);
        Assert.Contains(("queue", Office, (string?)null), reads);
        Assert.DoesNotContain(officer.UserName, await accessLog.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A10: five wrong passwords, then 423 even with the right one.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await _identity.Login(code, $"sai-{i}-mat-khau")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Locked, (await _identity.Login(code, "Sông Hồng chảy qua 36 phố")).StatusCode);

        // The history shows who did what, reads included.
        var history = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("history").EnumerateArray().Select(h => $"{h.GetProperty("who").GetString()}: {h.GetProperty("what").GetString()}").ToList();
        Assert.Contains($"{officer.UserName}: claimed", history);
        Assert.Contains($"{officer.UserName}: viewed document:portrait", history);
        Assert.Contains($"{officer.UserName}: approved", history);
        // The office's figures count the decision.
        var stats = await (await _identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/stats", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(stats.GetProperty("decidedToday").GetInt64() >= 1);
        Assert.True(stats.GetProperty("medianDecisionSeconds").GetInt64() >= 0);
        await (await _identity.Send(HttpMethod.Get, "/api/v1/offices/00101/stats", officerToken)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        // And the code now has an account: a new application is refused.
        await Eventually.True(async () => (await _registration.Send(HttpMethod.Post, "/api/v1/registrations", null,
            JsonContent.Create(RegistrationClient.Declaration(code, RegistrationClient.NewPhone())))).StatusCode == HttpStatusCode.Conflict,
            because: "Registration learns of the account");
    }

    [Fact]
    public async Task D1_an_officer_of_another_office_gets_403_on_the_queue_and_404_on_its_cases()
    {
        var (_, _, _, _, number) = await Submitted();
        var mine = await _identity.ActiveStaff("officer", Office);
        var other = await _identity.ActiveStaff("officer", "00101");
        var mineToken = await _identity.AccessToken(mine.UserName, mine.Password);
        var otherToken = await _identity.AccessToken(other.UserName, other.Password);
        var caseId = (await InQueue(mineToken, number)).GetProperty("id").GetGuid();

        await (await _identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases", otherToken)).AssertProblem(HttpStatusCode.Forbidden, "auth.forbidden");
        foreach (var (method, path) in new[] { (HttpMethod.Get, ""), (HttpMethod.Get, "/documents/portrait"), (HttpMethod.Post, "/claim"), (HttpMethod.Post, "/approve") })
        {
            await (await _identity.Send(method, $"/api/v1/cases/{caseId}{path}", otherToken)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        }
        // The other office's reads left no trace in this case, and nothing changed.
        var view = await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", mineToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Pending", view.GetProperty("status").GetString());
        Assert.DoesNotContain(view.GetProperty("history").EnumerateArray(), h => h.GetProperty("who").GetString() == other.UserName);
    }

    [Fact]
    public async Task D2_two_officers_claiming_at_the_same_moment_get_exactly_one_204()
    {
        var (_, _, _, _, number) = await Submitted();
        var officers = new[] { await _identity.ActiveStaff("officer", Office), await _identity.ActiveStaff("officer", Office) };
        var tokens = await Task.WhenAll(officers.Select(o => _identity.AccessToken(o.UserName, o.Password)));
        var caseId = (await InQueue(tokens[0], number)).GetProperty("id").GetGuid();

        var answers = await Task.WhenAll(tokens.Select(t => _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", t)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.NoContent);
        var loser = answers.Single(a => a.StatusCode != HttpStatusCode.NoContent);
        var problem = await loser.AssertProblem(HttpStatusCode.Conflict, "case.claimed_by_another");
        Assert.DoesNotContain(officers[0].UserName, problem.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(officers[1].UserName, problem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decisions_sent_at_the_same_moment_decide_once_and_none_fails_with_a_5xx()
    {
        var (id, token, code, phone, number) = await Submitted();
        var officer = await _identity.ActiveStaff("officer", Office);
        var officerToken = await _identity.AccessToken(officer.UserName, officer.Password);
        var caseId = (await InQueue(officerToken, number)).GetProperty("id").GetGuid();
        var claims = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)));
        Assert.All(claims, c => Assert.True((int)c.StatusCode < 500, $"claim: {(int)c.StatusCode}"));
        Assert.Contains(claims, c => c.StatusCode == HttpStatusCode.NoContent);

        var decisions = new (string Path, object? Body)[]
        {
            ("approve", null), ("approve", null), ("approve", null), ("reject", new { reasonCode = "bhxh_code.not_owner" }),
            ("reject", new { reasonCode = "bhxh_code.not_owner" }), ("request-information", new { reasonCode = "identity.document_unreadable" }),
        };
        var answers = await Task.WhenAll(decisions.Select(d => _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/{d.Path}", officerToken, d.Body)));
        var statuses = answers.Select(a => (int)a.StatusCode).ToList();
        Assert.True(statuses.All(s => s < 500), string.Join(", ", statuses));
        var won = Assert.Single(answers.Select((a, i) => (Answer: a, Decision: decisions[i].Path)), x => x.Answer.StatusCode == HttpStatusCode.NoContent);
        foreach (var lost in answers.Where(a => a.StatusCode != HttpStatusCode.NoContent))
        {
            Assert.Equal(HttpStatusCode.Conflict, lost.StatusCode);
        }
        var expected = won.Decision switch { "approve" => "Approved", "reject" => "Rejected", _ => "NeedsInformation" };
        if (expected == "NeedsInformation")
        {
            await ApplicationStatus(id, token, expected);
        }
        else
        {
            await DecidedStatus(id, token, code, phone, expected);
        }
        var history = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("status").GetString();
        Assert.Equal(expected == "NeedsInformation" ? "NeedsInformation" : expected, history);
    }

    [Fact]
    public async Task D4_a_request_for_information_reopens_the_application_and_the_resubmission_returns_to_the_same_case()
    {
        var (id, token, _, phone, number) = await Submitted();
        var officer = await _identity.ActiveStaff("officer", Office);
        var officerToken = await _identity.AccessToken(officer.UserName, officer.Password);
        var caseId = (await InQueue(officerToken, number)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);

        // A reason that does not fit the decision, an unknown one, or none: 400, nothing decided.
        foreach (var body in new object[] { new { reasonCode = "fraud.suspected" }, new { reasonCode = "made.up" }, new { note = "?" } })
        {
            await (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/request-information", officerToken, body))
                .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        }
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/request-information", officerToken,
            new { reasonCode = "identity.document_unreadable", note = "Ảnh mặt sau bị lóa." })).StatusCode);
        await ApplicationStatus(id, token, "NeedsInformation");
        var application = await (await _registration.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("identity.document_unreadable", application.GetProperty("rejection").GetProperty("reasonCode").GetString());
        Assert.Contains("Ảnh mặt sau bị lóa.", application.GetProperty("rejection").GetProperty("message").GetString(), StringComparison.Ordinal);
        await Eventually.True(async () => (await _identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Any(m => m.GetProperty("body").GetString()!.Contains("can bo sung", StringComparison.Ordinal)), because: "the applicant is told by SMS");
        // …and by email (on file), with diacritics.
        await Eventually.True(async () => (await _identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/dev/messages?to=an.nguyen@example.vn", UriKind.Relative)))!
            .Any(m => m.GetProperty("body").GetString()!.Contains($"{number}: cần bổ sung thông tin", StringComparison.Ordinal)
                && m.GetProperty("body").GetString()!.Contains("Ảnh mặt sau bị lóa.", StringComparison.Ordinal)), because: "the applicant is told by email");

        // The applicant fixes the photo and submits again: the same case is back in the queue, with its history.
        Assert.Equal(HttpStatusCode.NoContent, (await _registration.Upload(id, token, "id-back", TestImages.Jpeg)).StatusCode);
        var resubmit = await _registration.Submit(id, token, Office);
        Assert.Equal(HttpStatusCode.Accepted, resubmit.StatusCode);
        var newNumber = (await resubmit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        Assert.NotEqual(number, newNumber);
        var again = await InQueue(officerToken, newNumber, "Pending");
        Assert.Equal(caseId, again.GetProperty("id").GetGuid());
        var history = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("history").EnumerateArray().Select(h => h.GetProperty("what").GetString()).ToList();
        Assert.Contains("requested information: identity.document_unreadable", history);
        Assert.Contains($"resubmitted {newNumber}", history);
        Assert.Equal(1, await NotificationsDb.Count(fixture.ConnectionString, "SELECT count(*) FROM approval.case_index WHERE application_id = $1", id));
    }

    [Fact]
    public async Task A_rejection_gives_the_reason_and_frees_the_code_for_a_new_application()
    {
        var (id, token, code, phone, number) = await Submitted();
        var officer = await _identity.ActiveStaff("officer", Office);
        var officerToken = await _identity.AccessToken(officer.UserName, officer.Password);
        var caseId = (await InQueue(officerToken, number)).GetProperty("id").GetGuid();
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/reject", officerToken,
            new { reasonCode = "bhxh_code.not_owner" })).StatusCode);
        await DecidedStatus(id, token, code, phone, "Rejected");
        // Decided: the token ended, and the code may be used by a new application that reaches an office.
        await (await _registration.Upload(id, token, "portrait", TestImages.Jpeg)).AssertProblem(HttpStatusCode.Unauthorized, "registration.token_expired");
        var (newId, newToken) = await _registration.Ready(code, RegistrationClient.NewPhone());
        Assert.Equal(HttpStatusCode.Accepted, (await _registration.Submit(newId, newToken, Office)).StatusCode);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>
/// A whole enrolment at Debug — a wrong captcha, the same-child race lost inside Marten, the Mẫu 01, the office's
/// approval and the child's password SMS — leaves no child's code or name, guardian's CCCD, phone, captcha answer
/// or password in any log line.
/// </summary>
public sealed class EnrollmentLogScanTests(LoggedFixture fixture) : IClassFixture<LoggedFixture>
{
    [Fact]
    public async Task An_enrolment_from_captcha_to_the_childs_password_logs_no_personal_data()
    {
        var api = new EnrollmentClient(fixture.App);
        var (_, phone, father) = await api.Guardian();
        var (_, otherPhone, mother) = await api.Guardian();
        var child = RegistrationClient.NewCode();
        var (captcha, answer) = await api.Captcha(father);
        await (await api.Identity.Send(HttpMethod.Post, "/api/v1/me/children", father,
            EnrollmentClient.Declaration(child, captchaId: captcha, captchaAnswer: "WRONG"))).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
        var first = await api.Started(father, child);
        var second = await api.Started(mother, child);
        await api.Attach(father, first);
        await api.Attach(mother, second);
        var answers = await Task.WhenAll(api.Submit(father, first), api.Submit(mother, second));
        Assert.Contains(answers, a => a.StatusCode == HttpStatusCode.Conflict);
        var (winner, token) = answers[0].StatusCode == HttpStatusCode.Accepted ? (first, father) : (second, mother);
        await api.Form(token, winner);

        var officer = await api.Identity.ActiveStaff("officer", "00131");
        var officerToken = await api.Identity.AccessToken(officer.UserName, officer.Password);
        Guid caseId = default;
        await Eventually.True(async () =>
        {
            var page = await (await api.Identity.Send(HttpMethod.Get, "/api/v1/offices/00131/cases?kind=child", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            caseId = items.Count == 1 ? items[0].GetProperty("id").GetGuid() : default;
            return items.Count == 1;
        }, because: "the child's case is queued");
        await api.Identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken);
        await api.Identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken);
        Assert.Equal(HttpStatusCode.NoContent, (await api.Identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/approve", officerToken)).StatusCode);
        var winnerPhone = token == father ? phone : otherPhone;
        string? password = null;
        await Eventually.True(async () =>
        {
            var bodies = (await api.Identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={winnerPhone}", UriKind.Relative)))!
                .Select(m => m.GetProperty("body").GetString()!);
            password = bodies.Select(b => System.Text.RegularExpressions.Regex.Match(b, "Tai khoan cua tre [0-9]{10} .* lan dau: ([a-z0-9]{10})"))
                .FirstOrDefault(m => m.Success)?.Groups[1].Value;
            return password is not null;
        }, because: "the child's password reaches the guardian");

        Assert.NotEmpty(fixture.Logs.Lines);
        foreach (var secret in new[] { child, "Nguyễn Minh Khôi", EnrollmentClient.GuardianCccd, phone, otherPhone, answer, password! })
        {
            Assert.DoesNotContain(fixture.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }
    }
}

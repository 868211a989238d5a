using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using UglyToad.PdfPig;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>
/// Acceptance B over HTTP: the account holder of scenario A — registered, approved by an officer, password
/// changed — enrols a child born 2016 with a captcha and a birth certificate; the Mẫu 01 is authentic; the
/// officer approves the child's case; the child's one-time password reaches the guardian's mobile.
/// </summary>
public sealed partial class AcceptanceScenarioB(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string Office = "00131";
    private readonly EnrollmentClient _api = new(fixture.App);
    private readonly RegistrationClient _registration = new(fixture.App.CreateClient());

    [Fact]
    public async Task B1_to_B3_the_holder_of_A_enrols_a_child_the_office_approves_and_the_password_reaches_the_guardian()
    {
        var identity = _api.Identity;
        var officer = await identity.ActiveStaff("officer", Office);
        var officerToken = await identity.AccessToken(officer.UserName, officer.Password);

        // Scenario A, to an account: submitted, approved, first login, password changed.
        var guardianCode = RegistrationClient.NewCode();
        var guardianPhone = RegistrationClient.NewPhone();
        var (applicationId, applicationToken) = await _registration.Ready(guardianCode, guardianPhone);
        Assert.Equal(HttpStatusCode.Accepted, (await _registration.Submit(applicationId, applicationToken, Office)).StatusCode);
        await Decide(officerToken, "adult", "Nguyễn Văn An", "approve");
        var oneTime = await identity.OneTimePassword(guardianPhone);
        var first = (await identity.LoggedIn(guardianCode, oneTime)).GetProperty("access_token").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await identity.Send(HttpMethod.Post, "/api/v1/account/password", first,
            new { currentPassword = oneTime, newPassword = "Sông Hồng chảy qua 36 phố" })).StatusCode);
        var guardian = await identity.AccessToken(guardianCode, "Sông Hồng chảy qua 36 phố");

        // B1: a captcha, the child born 2016 (address: the guardian's), the birth certificate, "Ghi nhận".
        var captcha = await (await identity.Send(HttpMethod.Get, "/api/v1/captcha", guardian)).Content.ReadFromJsonAsync<JsonElement>();
        var png = Convert.FromBase64String(captcha.GetProperty("imagePng").GetString()!);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var captchaId = captcha.GetProperty("captchaId").GetGuid();
        var answer = (await identity.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/dev/captcha/{captchaId}", UriKind.Relative))).GetProperty("answer").GetString()!;
        var childCode = RegistrationClient.NewCode();
        var started = await identity.Send(HttpMethod.Post, "/api/v1/me/children", guardian,
            EnrollmentClient.Declaration(childCode, "2016-09-05", "001090001234", captchaId, answer.ToLowerInvariant(), "  Nguyễn   Minh Khôi "));
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/me/children/{id}", started.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Attach(guardian, id)).StatusCode);
        var submit = await _api.Submit(guardian, id);
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var number = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        Assert.Matches($"^{Office}-[0-9]{{8}}-TE[0-9]{{6}}$", number);

        var view = await _api.Get(guardian, id);
        Assert.Equal("Submitted", view.GetProperty("status").GetString());
        Assert.Equal("Nguyễn Minh Khôi", view.GetProperty("child").GetProperty("fullName").GetString());
        Assert.True(view.GetProperty("address").GetProperty("fromGuardian").GetBoolean());
        Assert.Contains("Phường Minh Khai", view.GetProperty("address").GetProperty("line").GetString(), StringComparison.Ordinal);
        var list = await (await identity.Send(HttpMethod.Get, "/api/v1/me/children", guardian)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(id, Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid());

        // The form: the child's and the guardian's names, "Mẫu số 01", a QR whose verify URL answers authentic.
        var pdf = await _api.Form(guardian, id);
        using (var document = PdfDocument.Open(pdf))
        {
            var text = string.Join(" ", document.GetPages().Select(p => p.Text)).Normalize(NormalizationForm.FormC);
            Assert.Contains("Mẫusố01", Compact(text), StringComparison.Ordinal);
            Assert.Contains("NguyễnMinhKhôi", Compact(text), StringComparison.Ordinal);
            Assert.Contains("NguyễnVănAn", Compact(text), StringComparison.Ordinal);
            Assert.Contains("CHA/MẸ/NGƯỜIGIÁMHỘ", Compact(text), StringComparison.Ordinal);
        }
        var url = new Uri(QrReader.FromPdf(pdf) ?? throw new Xunit.Sdk.XunitException("the form's QR code does not decode"));
        var verified = await identity.Http.GetFromJsonAsync<JsonElement>(new Uri(url.PathAndQuery, UriKind.Relative));
        Assert.True(verified.GetProperty("authentic").GetBoolean());
        Assert.Equal("child", verified.GetProperty("kind").GetString());
        Assert.Equal("Nguyễn Minh Khôi", verified.GetProperty("declarantName").GetString());
        // The receipt SMS went to the guardian.
        await Eventually.True(async () => (await Messages(guardianPhone)).Any(m => m.Contains(number, StringComparison.Ordinal) && m.Contains("Mau 01", StringComparison.Ordinal)),
            because: "the guardian gets the receipt SMS");

        // B3: the office sees a case of kind child with its birth certificate and guardian, approves it.
        var caseView = await Decide(officerToken, "child", "Nguyễn Minh Khôi", "approve");
        Assert.Equal("001090001234", caseView.GetProperty("declaration").GetProperty("guardian").GetProperty("identityNumber").GetString());
        Assert.Equal("birth-certificate", Assert.Single(caseView.GetProperty("documents").EnumerateArray()).GetProperty("kind").GetString());
        await Eventually.True(async () => (await _api.Get(guardian, id)).GetProperty("status").GetString() == "Approved", because: "the enrolment follows the decision");

        // The child's one-time password arrives at the guardian's mobile and opens the child's account.
        string? childPassword = null;
        await Eventually.True(async () =>
        {
            childPassword = (await Messages(guardianPhone)).Select(m => ChildPassword().Match(m)).FirstOrDefault(m => m.Success && m.Groups[1].Value == childCode)?.Groups[2].Value;
            return childPassword is not null;
        }, because: "the child's account SMS reaches the guardian");
        var childLogin = await identity.LoggedIn(childCode, childPassword!);
        Assert.True(childLogin.GetProperty("password_change_required").GetBoolean());
        // The message is the guardian's (their mobile, sealed with their key) and names the child: either one's erasure blanks it.
        Assert.Equal(1, await VssId.Tests.Notifications.NotificationsDb.Count(fixture.ConnectionString,
            "SELECT count(*) FROM notifications.messages WHERE template = 'child_account_issued' AND people = $1", (object)new[] { guardianCode, childCode }));
    }

    private async Task<JsonElement> Decide(string officerToken, string kind, string fullName, string decision)
    {
        JsonElement item = default;
        await Eventually.True(async () =>
        {
            var page = await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/offices/{Office}/cases?kind={kind}&limit=100", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
            var found = page.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("fullName").GetString() == fullName).ToList();
            if (found.Count > 0)
            {
                item = found[^1];
            }
            return found.Count > 0;
        }, because: $"the {kind} case reaches the queue");
        var caseId = item.GetProperty("id").GetGuid();
        Assert.Equal(kind, item.GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/claim", officerToken)).StatusCode);
        var view = await (await _api.Identity.Send(HttpMethod.Get, $"/api/v1/cases/{caseId}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Identity.Send(HttpMethod.Post, $"/api/v1/cases/{caseId}/{decision}", officerToken)).StatusCode);
        return view;
    }

    private async Task<List<string>> Messages(string to) =>
        (await _api.Identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={to}", UriKind.Relative)))!
            .Select(m => m.GetProperty("body").GetString()!).ToList();

    private static string Compact(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    [GeneratedRegex("Tai khoan cua tre ([0-9]{10}) da duoc duyet. Mat khau dang nhap lan dau: ([a-z0-9]{10})")]
    private static partial Regex ChildPassword();
}

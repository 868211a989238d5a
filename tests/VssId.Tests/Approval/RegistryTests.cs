using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Approval;

/// <summary>The insured-person registry: CSV import row by row, the check on the case, auto-approval of exact matches.</summary>
public sealed class RegistryTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private const string AutoOffice = "00102";
    private readonly IdentityClient _identity = new(fixture.App);
    private readonly RegistrationClient _registration = new(fixture.App.CreateClient());

    private async Task<HttpResponseMessage> Import(string admin, string csv, string contentType = "text/csv")
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/v1/admin/registry", UriKind.Relative))
        {
            Content = new StringContent(csv, Encoding.UTF8, contentType),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", admin) },
        };
        return await _identity.Http.SendAsync(request);
    }

    [Fact]
    public async Task Rows_are_judged_one_by_one_and_importing_twice_changes_nothing()
    {
        var admin = await _identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        var (a, b, c) = (RegistrationClient.NewCode(), RegistrationClient.NewCode(), RegistrationClient.NewCode());
        var csv = $"""
            bhxhCode,fullName,dateOfBirth,gender
            {a},Nguyễn Văn An,1990-03-15,Nam
            {b},"Trần Thị, Bình",1985-12-01,Nữ
            123,Lê Văn C,1990-01-01,Nam
            {c},Phạm Văn D,2990-01-01,Khác
            {a},Nguyễn Văn An,1990-03-15,Nam
            """;
        var result = await (await Import(admin, csv)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        Assert.Equal(0, result.GetProperty("updated").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("row").GetInt32(),
            r => r.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()).ToList());
        Assert.Equal(["registry.bhxh_code_invalid"], rejected[4]);
        Assert.Equal(["registry.date_of_birth_invalid", "registry.gender_invalid"], rejected[5]);
        Assert.Equal(["registry.duplicate_code"], rejected[6]);

        var again = await (await Import(admin, csv)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("imported").GetInt32());
        Assert.Equal(0, again.GetProperty("updated").GetInt32());
        var changed = await (await Import(admin, $"bhxhCode,fullName,dateOfBirth,gender\n{b},Trần Thị Bình,1985-12-01,Nữ\n")).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, changed.GetProperty("updated").GetInt32());

        await (await Import(admin, "code,name\n1,2\n")).AssertProblem(HttpStatusCode.BadRequest, "registry.header_invalid");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await Import(admin, "{}", "application/json")).StatusCode);
        var officer = await _identity.ActiveStaff("officer", "00123");
        Assert.Equal(HttpStatusCode.Forbidden, (await Import(await _identity.AccessToken(officer.UserName, officer.Password), csv)).StatusCode);
    }

    [Fact]
    public async Task An_office_with_auto_approval_approves_an_exact_match_and_queues_the_rest_with_the_check()
    {
        var admin = await _identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        var (exact, differs) = (RegistrationClient.NewCode(), RegistrationClient.NewCode());
        // The registry spells the name without diacritics and in capitals: still a match.
        await Import(admin, $"bhxhCode,fullName,dateOfBirth,gender\n{exact},NGUYEN  VAN AN,1990-03-15,Nam\n{differs},Nguyễn Văn An,1991-03-15,Nam\n");
        await (await _identity.Send(HttpMethod.Put, "/api/v1/admin/offices/99999/settings", admin, new { autoApproval = true })).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _identity.Send(HttpMethod.Put, $"/api/v1/admin/offices/{AutoOffice}/settings", admin, new { })).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal(HttpStatusCode.NoContent, (await _identity.Send(HttpMethod.Put, $"/api/v1/admin/offices/{AutoOffice}/settings", admin, new { autoApproval = true })).StatusCode);
        // Who let the system decide for this office is in the audit trail, once: the refused attempts changed nothing and are not.
        var trail = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/admin/audit?who={AutoOffice}", admin)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "office.settings_changed").ToList();
        Assert.Equal([("autoApproval=true", IdentityClient.DevAdmin)], trail.Select(e => (e.GetProperty("detail").GetString(), e.GetProperty("actor").GetString())));
        var imports = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/admin/audit?who={IdentityClient.DevAdmin}&limit=100", admin)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "registry.imported").Select(e => e.GetProperty("detail").GetString());
        Assert.Contains("imported=2 updated=0 rejected=0", imports);

        var phone = RegistrationClient.NewPhone();
        var (autoId, autoToken) = await _registration.Ready(exact, phone);
        Assert.Equal(HttpStatusCode.Accepted, (await _registration.Submit(autoId, autoToken, AutoOffice)).StatusCode);
        var (heldId, heldToken) = await _registration.Ready(differs, RegistrationClient.NewPhone());
        var held = await _registration.Submit(heldId, heldToken, AutoOffice);
        var heldNumber = (await held.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString();

        await Eventually.True(async () => (await _registration.Http.GetFromJsonAsync<JsonElement>(
            new Uri($"/api/v1/registrations/status?bhxhCode={exact}&phone={phone}", UriKind.Relative))).GetProperty("status").GetString() == "Approved",
            because: "the exact match is approved by the system");
        await _identity.OneTimePassword(phone);

        var officer = await _identity.ActiveStaff("officer", AutoOffice);
        var officerToken = await _identity.AccessToken(officer.UserName, officer.Password);
        JsonElement item = default;
        await Eventually.True(async () =>
        {
            var page = await (await _identity.Send(HttpMethod.Get, $"/api/v1/offices/{AutoOffice}/cases?applicationNumber={heldNumber}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().ToList();
            item = items.FirstOrDefault();
            return items.Count == 1;
        }, because: "the mismatch waits in the queue");
        var view = await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{item.GetProperty("id").GetGuid()}", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        var check = view.GetProperty("registryCheck");
        Assert.True(check.GetProperty("found").GetBoolean());
        Assert.Equal("match", check.GetProperty("fullName").GetString());
        Assert.Equal("mismatch", check.GetProperty("dateOfBirth").GetString());
        Assert.Equal("match", check.GetProperty("gender").GetString());

        var approved = await (await _identity.Send(HttpMethod.Get, $"/api/v1/offices/{AutoOffice}/cases?status=Approved&limit=100", officerToken)).Content.ReadFromJsonAsync<JsonElement>();
        var autoCase = approved.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("applicationId").GetGuid() == autoId);
        var history = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/cases/{autoCase.GetProperty("id").GetGuid()}", officerToken)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("history").EnumerateArray().Select(h => $"{h.GetProperty("who").GetString()}: {h.GetProperty("what").GetString()}");
        Assert.Contains("system (auto-approval): approved", history);
    }
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Reference;

/// <summary>Offices as data: an administrator's CSV adds and closes offices; a closed office takes no new submission.</summary>
public sealed class OfficeImportTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly IdentityClient _identity = new(fixture.App);

    private async Task<HttpResponseMessage> Import(string csv)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("/api/v1/admin/offices", UriKind.Relative))
        {
            Content = new StringContent(csv, Encoding.UTF8, "text/csv"),
            Headers = { Authorization = new AuthenticationHeaderValue("Bearer", await _identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword)) },
        };
        return await _identity.Http.SendAsync(request);
    }

    [Fact]
    public async Task Imported_offices_are_served_and_a_closed_one_refuses_submissions()
    {
        const string csv = """
            code,name,provinceCode,validFrom,validTo
            00199,"BHXH Khu vực Thử nghiệm, Hà Nội",01,2026-01-01,
            00104,BHXH Quận Long Biên,01,,2020-12-31
            00198,BHXH Nơi không có,99,,
            00197,BHXH Sai ngày,01,2026-05-01,2026-01-01
            """;
        var result = await (await Import(csv)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(2, result.GetProperty("imported").GetInt32());
        // Who changed the offices, and how much, is in the audit trail.
        var admin = await _identity.AccessToken(IdentityClient.DevAdmin, IdentityClient.DevAdminPassword);
        var trail = (await (await _identity.Send(HttpMethod.Get, $"/api/v1/admin/audit?who={IdentityClient.DevAdmin}&limit=100", admin)).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("items").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "offices.imported").Select(e => e.GetProperty("detail").GetString());
        Assert.Contains("imported=2 updated=0 rejected=2", trail);
        var rejected = result.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("row").GetInt32(),
            r => r.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("offices.province_invalid", rejected[4]);
        Assert.Equal("offices.date_invalid", rejected[5]);
        var again = await (await Import(csv)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, again.GetProperty("imported").GetInt32() + again.GetProperty("updated").GetInt32());

        var offices = await _identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/v1/reference/offices?province=01&catalog=legacy", UriKind.Relative));
        var added = offices!.Single(o => o.GetProperty("code").GetString() == "00199");
        Assert.Equal("BHXH Khu vực Thử nghiệm, Hà Nội", added.GetProperty("name").GetString());
        Assert.False(added.GetProperty("derived").GetBoolean());
        Assert.Equal("2020-12-31", offices!.Single(o => o.GetProperty("code").GetString() == "00104").GetProperty("validTo").GetString());

        var registration = new RegistrationClient(fixture.App.CreateClient());
        var (id, token) = await registration.Ready(RegistrationClient.NewCode(), RegistrationClient.NewPhone());
        await (await registration.Submit(id, token, "00104")).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal(HttpStatusCode.Accepted, (await registration.Submit(id, token, "00199")).StatusCode);

        await (await Import("code;name\n1;2\n")).AssertProblem(HttpStatusCode.BadRequest, "offices.header_invalid");
    }
}

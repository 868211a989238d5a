using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Reference;

public sealed record Unit(string Code, string Name, string FullName);

public sealed record Office(string Code, string Name, string ProvinceCode, string? Province2025Code, string Level, bool Derived);

public sealed class ReferenceEndpointTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<Unit[]> Get(string url) =>
        (await _client.GetFromJsonAsync<Unit[]>(new Uri(url, UriKind.Relative)))!;

    [Fact]
    public async Task Legacy_catalog_has_63_provinces_696_districts_and_10035_wards()
    {
        var provinces = await Get("/api/v1/reference/provinces?catalog=legacy");
        Assert.Equal(63, provinces.Length);
        var districts = 0;
        var wards = 0;
        foreach (var province in provinces)
        {
            districts += (await Get($"/api/v1/reference/provinces/{province.Code}/districts")).Length;
            wards += (await Get($"/api/v1/reference/provinces/{province.Code}/wards?catalog=legacy")).Length;
        }
        Assert.Equal(696, districts);
        Assert.Equal(10_035, wards);
    }

    [Fact]
    public async Task Catalog_2025_has_34_provinces_and_3321_wards_and_is_the_default()
    {
        var provinces = await Get("/api/v1/reference/provinces");
        Assert.Equal(34, provinces.Length);
        Assert.Equal(provinces, await Get("/api/v1/reference/provinces?catalog=2025"));
        var wards = 0;
        foreach (var province in provinces)
        {
            wards += (await Get($"/api/v1/reference/provinces/{province.Code}/wards")).Length;
        }
        Assert.Equal(3_321, wards);
    }

    [Fact]
    public async Task Ha_Noi_legacy_has_Quan_Bac_Tu_Liem_with_Phuong_Minh_Khai()
    {
        var provinces = await Get("/api/v1/reference/provinces?catalog=legacy");
        Assert.Contains(new Unit("01", "Hà Nội", "Thành phố Hà Nội"), provinces);
        var bacTuLiem = Assert.Single(await Get("/api/v1/reference/provinces/01/districts"), d => d.FullName == "Quận Bắc Từ Liêm");
        Assert.Contains(await Get($"/api/v1/reference/districts/{bacTuLiem.Code}/wards"), w => w.FullName == "Phường Minh Khai");
        Assert.Contains(await Get($"/api/v1/reference/provinces/01/districts/{bacTuLiem.Code}/wards"), w => w.FullName == "Phường Minh Khai");
    }

    [Fact]
    public async Task Text_is_NFC_Vietnamese()
    {
        var provinces = await Get("/api/v1/reference/provinces?catalog=legacy");
        Assert.All(provinces, p => Assert.True(p.FullName.IsNormalized(System.Text.NormalizationForm.FormC), p.FullName));
    }

    [Fact]
    public async Task Unknown_catalog_is_a_400_problem_naming_the_field()
    {
        foreach (var url in new[]
                 {
                     "/api/v1/reference/provinces?catalog=1999",
                     "/api/v1/reference/provinces/01/wards?catalog=LEGACY",
                     "/api/v1/reference/offices?province=01&catalog=%3Cscript%3E",
                 })
        {
            var problem = await (await _client.GetAsync(new Uri(url, UriKind.Relative))).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal("reference.catalog_unknown", problem.GetProperty("fieldErrors")[0].GetProperty("code").GetString());
            Assert.True(problem.GetProperty("errors").TryGetProperty("catalog", out _));
        }
    }

    [Theory]
    [InlineData("/api/v1/reference/provinces/99/districts", "reference.province_not_found")]
    [InlineData("/api/v1/reference/provinces/'%20OR%201=1--/districts", "reference.province_not_found")]
    [InlineData("/api/v1/reference/provinces/99/wards", "reference.province_not_found")]
    [InlineData("/api/v1/reference/provinces/02/wards?catalog=2025", "reference.province_not_found")]
    [InlineData("/api/v1/reference/provinces/99/wards?catalog=legacy", "reference.province_not_found")]
    [InlineData("/api/v1/reference/districts/999/wards", "reference.district_not_found")]
    [InlineData("/api/v1/reference/provinces/79/districts/021/wards", "reference.district_not_found")]
    [InlineData("/api/v1/reference/offices?province=99", "reference.province_not_found")]
    [InlineData("/api/v1/reference/offices?province=02&catalog=2025", "reference.province_not_found")]
    public async Task Unknown_province_or_district_is_a_404_problem(string url, string code) =>
        await (await _client.GetAsync(new Uri(url, UriKind.Relative))).AssertProblem(HttpStatusCode.NotFound, code);

    [Fact]
    public async Task Problems_speak_English_on_request()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reference/provinces/99/districts");
        request.Headers.AcceptLanguage.ParseAdd("en-US,en;q=0.9");
        var problem = await (await _client.SendAsync(request)).AssertProblem(HttpStatusCode.NotFound, "reference.province_not_found");
        Assert.Equal("No province with this code in the catalog.", problem.GetProperty("title").GetString());

        var vietnamese = await (await _client.GetAsync(new Uri("/api/v1/reference/provinces/99/districts", UriKind.Relative)))
            .AssertProblem(HttpStatusCode.NotFound, "reference.province_not_found");
        Assert.Equal("Không tìm thấy tỉnh/thành phố với mã này trong danh mục.", vietnamese.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Ha_Noi_offices_are_the_real_list_and_include_Chuong_My()
    {
        var offices = (await _client.GetFromJsonAsync<Office[]>(new Uri("/api/v1/reference/offices?province=01&catalog=legacy", UriKind.Relative)))!;
        Assert.Equal(31, offices.Length);
        Assert.All(offices, o => Assert.False(o.Derived));
        Assert.Contains(offices, o => o is { Code: "00123", Name: "BHXH Huyện Chương Mỹ", Level: "district" });
        Assert.Contains(offices, o => o is { Code: "001", Level: "province" });
    }

    [Fact]
    public async Task Every_legacy_province_has_a_provincial_office_and_one_per_district()
    {
        var all = (await _client.GetFromJsonAsync<Office[]>(new Uri("/api/v1/reference/offices", UriKind.Relative)))!;
        Assert.Equal(all.Length, all.Select(o => o.Code).Distinct().Count());
        var byProvince = all.GroupBy(o => o.ProvinceCode).ToDictionary(g => g.Key, g => g.ToArray());
        Assert.Equal(63, byProvince.Count);
        Assert.All(byProvince.Values, offices => Assert.Single(offices, o => o.Level == "province"));
        // Hà Nội's real list has 30 district offices for its 30 districts; derived provinces one per district.
        Assert.Equal(696, all.Count(o => o.Level == "district"));
        var hcm = byProvince["79"];
        Assert.All(hcm, o => Assert.True(o.Derived));
        Assert.Contains(hcm, o => o is { Code: "079", Name: "BHXH Thành phố Hồ Chí Minh" });
        Assert.All(hcm.Where(o => o.Level == "district"), o => Assert.Matches("^079[0-9]{2}$", o.Code));
    }

    [Fact]
    public async Task A_2025_province_lists_the_offices_of_every_legacy_province_merged_into_it()
    {
        // Thành phố Hồ Chí Minh (79) took in Bình Dương (74) and Bà Rịa - Vũng Tàu (77) on 01/07/2025.
        var offices = (await _client.GetFromJsonAsync<Office[]>(new Uri("/api/v1/reference/offices?province=79", UriKind.Relative)))!;
        Assert.Equal(new[] { "74", "77", "79" }, offices.Select(o => o.ProvinceCode).Distinct().Order().ToArray());
        Assert.All(offices, o => Assert.Equal("79", o.Province2025Code));
        var legacyHcm = (await _client.GetFromJsonAsync<Office[]>(new Uri("/api/v1/reference/offices?province=79&catalog=legacy", UriKind.Relative)))!;
        Assert.All(legacyHcm, o => Assert.Equal("79", o.ProvinceCode));
        Assert.True(offices.Length > legacyHcm.Length);
    }

    [Fact]
    public async Task Rejection_reasons_come_in_the_callers_language()
    {
        var vi = await _client.GetFromJsonAsync<JsonElement>(new Uri("/api/v1/reference/rejection-reasons", UriKind.Relative));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/reference/rejection-reasons");
        request.Headers.AcceptLanguage.ParseAdd("en");
        var en = await (await _client.SendAsync(request)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(vi.GetArrayLength() >= 5);
        Assert.Equal(vi.GetArrayLength(), en.GetArrayLength());
        Assert.Equal("Giấy tờ tùy thân đã hết hạn.", vi.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "identity.document_expired").GetProperty("text").GetString());
        Assert.Equal("The identity document has expired.", en.EnumerateArray().Single(r => r.GetProperty("code").GetString() == "identity.document_expired").GetProperty("text").GetString());
    }
}

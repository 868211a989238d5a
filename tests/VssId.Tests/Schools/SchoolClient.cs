using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Schools;

/// <summary>A school portal: its client (created by the development admin), rosters in CSV or JSON, the class list, the forms.</summary>
public sealed partial class SchoolClient(VssIdApp app)
{
    public const string EnglishHeader = "bhxhCode,fullName,dateOfBirth,gender,guardianBhxhCode,guardianPhone,relationship";
    public const string VietnameseHeader = "Mã số BHXH;Họ và tên;Ngày sinh;Giới tính;Mã số BHXH người giám hộ;Số điện thoại người giám hộ;Quan hệ";

    public IdentityClient Identity { get; } = new(app);

    /// <summary>A <c>school:enroll</c> client of <paramref name="schoolCode"/> (its enrolments go to office 00131) and its token.</summary>
    public async Task<string> Token(string schoolCode) => (await Identity.Client("school:enroll", schoolCode)).Token;

    /// <summary>A child of a roster with its own code and its guardian's (no account) and mobile.</summary>
    public sealed record Pupil(string BhxhCode, string FullName, string DateOfBirth, string Gender, string GuardianBhxhCode, string GuardianPhone, string Relationship)
    {
        public string Csv(char separator = ',') => string.Join(separator, BhxhCode, FullName, DateOfBirth, Gender, GuardianBhxhCode, GuardianPhone, Relationship);
    }

    private static readonly string[] Names = ["Nguyễn Minh Khôi", "Trần Thị Ngọc Ánh", "Lê Đức Anh", "Phạm Gia Huy", "Hoàng Thuỳ Linh", "Đặng Quốc Bảo"];

    public static Pupil NewPupil(int i = 0, string? guardianCode = null, string? guardianPhone = null) =>
        new(RegistrationClient.NewCode(), Names[i % Names.Length], "2014-09-05", i % 2 == 0 ? "Nam" : "Nữ", guardianCode ?? RegistrationClient.NewCode(),
            guardianPhone ?? RegistrationClient.NewPhone(), i % 3 == 0 ? "father" : i % 3 == 1 ? "mother" : "guardian");

    public Task<HttpResponseMessage> PostCsv(string token, string schoolCode, string classCode, string csv, string? idempotencyKey = null, bool bom = false)
    {
        var bytes = Encoding.UTF8.GetBytes(csv);
        var content = new ByteArrayContent(bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/v1/schools/{schoolCode}/enrollments?classCode={Uri.EscapeDataString(classCode)}", UriKind.Relative))
        {
            Content = content,
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }
        return Identity.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> PostJson(string token, string schoolCode, object roster) =>
        Identity.Send(HttpMethod.Post, $"/api/v1/schools/{schoolCode}/enrollments", token, roster);

    /// <summary>The per-row results of an answered roster.</summary>
    public static async Task<JsonElement[]> Results(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"roster: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("results").EnumerateArray().ToArray();
    }

    /// <summary>The code of the consent SMS sent to <paramref name="phone"/> (read from the development outbox), once it is there.</summary>
    public async Task<string> ConsentCode(string phone)
    {
        string? code = null;
        await Eventually.True(async () =>
        {
            var messages = (await Identity.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!;
            code = messages.Select(m => ConsentCodeInSms().Match(m.GetProperty("body").GetString()!)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
            return code is not null;
        }, because: $"the consent SMS reaches {phone}");
        return code!;
    }

    public Task<HttpResponseMessage> Confirm(string phone, string code) =>
        Identity.Send(HttpMethod.Post, "/api/v1/consents/confirm", null, new { phone, code });

    public async Task<JsonElement> List(string token, string schoolCode, string? classCode = null, string? status = null)
    {
        var query = $"/api/v1/schools/{schoolCode}/enrollments?limit=200" + (classCode is null ? "" : $"&classCode={classCode}") + (status is null ? "" : $"&status={status}");
        var response = await Identity.Send(HttpMethod.Get, query, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [GeneratedRegex("nhap ma ([0-9]{8})")]
    private static partial Regex ConsentCodeInSms();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

/// <summary>Drives the registration API the way a third-party app does.</summary>
public sealed partial class RegistrationClient(HttpClient client)
{
    public HttpClient Http => client;

    public static object Declaration(string bhxhCode, string phone, string? email = "an.nguyen@example.vn", string fullName = "Nguyễn Văn An") => new
    {
        bhxhCode,
        fullName,
        dateOfBirth = "1990-03-15",
        gender = "Nam",
        identityDocument = new { type = "CCCD", number = "001090001234" },
        address = new { catalog = "legacy", provinceCode = "01", districtCode = "021", wardCode = "00613", street = "Số 12 ngõ 34 đường Phạm Văn Đồng" },
        phone,
        email,
    };

    public static string NewCode() => "01" + Random.Shared.Next(10_000_000, 99_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string NewPhone() => "035" + Random.Shared.Next(1_000_000, 9_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<(Guid Id, string Token)> Start(object declaration)
    {
        var response = await client.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), declaration);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        return (json.GetProperty("id").GetGuid(), json.GetProperty("accessToken").GetString()!);
    }

    public Task<HttpResponseMessage> Send(HttpMethod method, string url, string? token, HttpContent? content = null, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }
        return client.SendAsync(request);
    }

    public Task<HttpResponseMessage> Upload(Guid id, string token, string kind, byte[] content, string contentType = "image/jpeg")
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return Send(HttpMethod.Put, $"/api/v1/registrations/{id}/documents/{kind}", token, body);
    }

    public Task<HttpResponseMessage> Submit(Guid id, string token, string officeCode = "00123", bool byEmail = false) =>
        Send(HttpMethod.Post, $"/api/v1/registrations/{id}/submit", token, JsonContent.Create(new { officeCode, sendDeclarationByEmail = byEmail }));

    /// <summary>The newest OTP sent to <paramref name="phone"/>, read from the development outbox.</summary>
    public async Task<string> LatestOtp(string phone, int after = 0)
    {
        string? code = null;
        await Eventually.True(async () =>
        {
            var messages = (await client.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!;
            var otps = messages.Where(m => m.GetProperty("body").GetString()!.Contains("Ma xac thuc", StringComparison.Ordinal)).ToArray();
            if (otps.Length <= after)
            {
                return false;
            }
            code = SixDigits().Match(otps[0].GetProperty("body").GetString()!).Value;
            return true;
            // A send that fails on a busy 2-core machine is retried after 10 s, then 60 s: wait for the second retry.
        }, within: TimeSpan.FromSeconds(90), because: $"an OTP SMS reaches {phone}");
        return code!;
    }

    public async Task VerifyPhone(Guid id, string token, string phone) =>
        Assert.Equal(HttpStatusCode.NoContent, (await ConfirmPhone(id, token, phone)).StatusCode);

    /// <summary>Asks for an OTP and confirms it; several drafts may share the phone, so it waits for this draft's own SMS.</summary>
    public async Task<HttpResponseMessage> ConfirmPhone(Guid id, string token, string phone)
    {
        var before = (await client.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Count(m => m.GetProperty("body").GetString()!.Contains("Ma xac thuc", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, (await Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification", token)).StatusCode);
        var code = await LatestOtp(phone, before);
        return await Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification/confirm", token, JsonContent.Create(new { code }));
    }

    public async Task AttachAll(Guid id, string token)
    {
        foreach (var kind in new[] { "portrait", "id-front", "id-back" })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await Upload(id, token, kind, TestImages.Jpeg)).StatusCode);
        }
    }

    /// <summary>A draft ready to submit: started, phone verified, three photos.</summary>
    public async Task<(Guid Id, string Token)> Ready(string bhxhCode, string phone, string? email = "an.nguyen@example.vn")
    {
        var (id, token) = await Start(Declaration(bhxhCode, phone, email));
        await VerifyPhone(id, token, phone);
        await AttachAll(id, token);
        return (id, token);
    }

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>A guardian's app: captcha (answered through the development endpoint, as a person reading it would), declaration, photos, "Ghi nhận".</summary>
public sealed class EnrollmentClient(VssIdApp app)
{
    /// <summary>The CCCD on every test guardian's account (the approval <see cref="IdentityClient.Approval"/> publishes it).</summary>
    public const string GuardianCccd = "001090001234";

    public IdentityClient Identity { get; } = new(app);

    /// <summary>An active citizen whose account knows a contact address: a guardian ready to enrol.</summary>
    public async Task<(string BhxhCode, string Phone, string Token)> Guardian(string? email = null)
    {
        var approved = IdentityClient.Approval(email: email) with
        {
            AddressLine = "Số 12 ngõ 34 đường Phạm Văn Đồng, Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội",
            ProvinceName = "Hà Nội",
        };
        var (code, phone, password) = await Identity.ActiveCitizen(approved);
        return (code, phone, await Identity.AccessToken(code, password));
    }

    public async Task<(Guid Id, string Answer)> Captcha(string token)
    {
        var response = await Identity.Send(HttpMethod.Get, "/api/v1/captcha", token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("captchaId").GetGuid();
        var answer = (await Identity.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/dev/captcha/{id}", UriKind.Relative))).GetProperty("answer").GetString()!;
        return (id, answer);
    }

    public static object Declaration(string childCode, string dateOfBirth = "2016-09-05", string guardianIdNumber = GuardianCccd, Guid? captchaId = null,
        string? captchaAnswer = null, string fullName = "Nguyễn Minh Khôi", string relationship = "father", object? address = null, string? identityNumber = null) => new
    {
        child = new { bhxhCode = childCode, fullName, dateOfBirth, gender = "Nam", identityNumber },
        relationship,
        guardianIdNumber,
        address,
        officeCode = "00131",
        captchaId,
        captchaAnswer,
    };

    /// <summary>Starts an enrolment with a fresh captcha answered right.</summary>
    public async Task<HttpResponseMessage> Start(string token, string childCode, string dateOfBirth = "2016-09-05", string guardianIdNumber = GuardianCccd,
        string? identityNumber = null)
    {
        var (captchaId, answer) = await Captcha(token);
        return await Identity.Send(HttpMethod.Post, "/api/v1/me/children", token,
            Declaration(childCode, dateOfBirth, guardianIdNumber, captchaId, answer, identityNumber: identityNumber));
    }

    public async Task<Guid> Started(string token, string childCode)
    {
        var response = await Start(token, childCode);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"start: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public Task<HttpResponseMessage> Attach(string token, Guid id, string kind = "birth-certificate", byte[]? image = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"/api/v1/me/children/{id}/documents/{kind}", UriKind.Relative))
        {
            Content = new ByteArrayContent(image ?? TestImages.Jpeg),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return Identity.Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> Submit(string token, Guid id) => Identity.Send(HttpMethod.Post, $"/api/v1/me/children/{id}/submit", token);

    /// <summary>Started, birth certificate attached, recorded: the application number.</summary>
    public async Task<(Guid Id, string Number)> Submitted(string token, string childCode)
    {
        var id = await Started(token, childCode);
        Assert.Equal(HttpStatusCode.NoContent, (await Attach(token, id)).StatusCode);
        var submit = await Submit(token, id);
        Assert.True(submit.StatusCode == HttpStatusCode.Accepted, $"submit: {(int)submit.StatusCode} {await submit.Content.ReadAsStringAsync()}");
        return (id, (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!);
    }

    public async Task<JsonElement> Get(string token, Guid id) =>
        await (await Identity.Send(HttpMethod.Get, $"/api/v1/me/children/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The Mẫu 01 once rendered (202 + Retry-After until then).</summary>
    public async Task<byte[]> Form(string token, Guid id)
    {
        byte[]? pdf = null;
        await Eventually.True(async () =>
        {
            var response = await Identity.Send(HttpMethod.Get, $"/api/v1/me/children/{id}/form-01.pdf", token);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.NotNull(response.Headers.RetryAfter);
                return false;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pdf = await response.Content.ReadAsByteArrayAsync();
            return true;
        }, because: "the child's Mẫu 01 is rendered");
        return pdf!;
    }
}

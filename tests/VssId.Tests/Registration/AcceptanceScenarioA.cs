using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using UglyToad.PdfPig;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

/// <summary>Scenario A, steps 1–7 of acceptance.md: an adult registers through the API, reading the OTP from the development outbox.</summary>
public sealed class AcceptanceScenarioA(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly RegistrationClient _api = new(fixture.App.CreateClient());

    [Fact]
    public async Task An_adult_takes_an_application_from_nothing_to_submitted()
    {
        var http = _api.Http;

        // 1. The legacy catalog has Hà Nội, Quận Bắc Từ Liêm and Phường Minh Khai.
        var provinces = await http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/v1/reference/provinces?catalog=legacy", UriKind.Relative));
        Assert.Contains(provinces!, p => p.GetProperty("code").GetString() == "01" && p.GetProperty("fullName").GetString() == "Thành phố Hà Nội");
        var districts = await http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/v1/reference/provinces/01/districts", UriKind.Relative));
        var bacTuLiem = districts!.Single(d => d.GetProperty("fullName").GetString() == "Quận Bắc Từ Liêm").GetProperty("code").GetString();
        var wards = await http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/v1/reference/districts/{bacTuLiem}/wards", UriKind.Relative));
        var minhKhai = wards!.Single(w => w.GetProperty("fullName").GetString() == "Phường Minh Khai").GetProperty("code").GetString();

        // 2. The CCCD QR prefills the identity.
        var prefill = await (await http.PostAsJsonAsync(new Uri("/api/v1/qr/cccd", UriKind.Relative), new
        {
            payload = "079090001234|025123456|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20042021",
        })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("079090001234", prefill.GetProperty("identityNumber").GetString());
        Assert.Equal("Nguyễn Văn An", prefill.GetProperty("fullName").GetString());
        Assert.Equal("1990-03-15", prefill.GetProperty("dateOfBirth").GetString());
        Assert.Equal("Nam", prefill.GetProperty("gender").GetString());

        // 3. Start with a legacy Hà Nội address and a Viettel mobile typed the international way.
        var code = RegistrationClient.NewCode();
        var tail = Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (id, token) = await _api.Start(new
        {
            bhxhCode = code,
            fullName = "  Nguyễn   Văn An ",
            dateOfBirth = "1990-03-15",
            gender = "Nam",
            identityDocument = new { type = "CCCD", number = "079090001234" },
            address = new { catalog = "legacy", provinceCode = "01", districtCode = bacTuLiem, wardCode = minhKhai, street = "Số 12 ngõ 34 đường Phạm Văn Đồng" },
            phone = $"+84 352 153 {tail}",
            email = "an.nguyen@example.vn",
        });
        var phone = "0352153" + tail;
        var application = await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(phone, application.GetProperty("phone").GetString());
        Assert.Equal("Nguyễn Văn An", application.GetProperty("fullName").GetString());
        Assert.Equal("Draft", application.GetProperty("status").GetString());
        // Phường Minh Khai was split between four 2025 wards: the mapping is ambiguous, so none is stored.
        Assert.Equal(JsonValueKind.Null, application.GetProperty("address").GetProperty("mapped2025WardCode").ValueKind);

        // 4. Submitting now names the missing step.
        await (await _api.Submit(id, token)).AssertProblem(HttpStatusCode.Conflict, "registration.phone_not_verified");

        // 5. The OTP arrives without diacritics; a wrong code is refused, the right one verifies.
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification", token)).StatusCode);
        var messages = await http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative));
        var otpCode = await _api.LatestOtp(phone);
        var sms = (await http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))![0].GetProperty("body").GetString()!;
        Assert.True(Encoding.UTF8.GetByteCount(sms) == sms.Length, $"SMS is ASCII: {sms}");
        var wrong = otpCode == "000000" ? "000001" : "000000";
        await (await _api.Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification/confirm", token, JsonContent.Create(new { code = wrong })))
            .AssertProblem(HttpStatusCode.BadRequest, "otp.invalid");
        Assert.Equal(HttpStatusCode.NoContent,
            (await _api.Send(HttpMethod.Post, $"/api/v1/registrations/{id}/phone-verification/confirm", token, JsonContent.Create(new { code = otpCode }))).StatusCode);

        // 6. Photos: real JPEGs pass; a text file is 415, 6 MB is 413; without id-back, submit says so.
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Upload(id, token, "portrait", TestImages.Jpeg)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Upload(id, token, "id-front", TestImages.Png, "image/png")).StatusCode);
        await (await _api.Upload(id, token, "portrait", Encoding.UTF8.GetBytes("chỉ là văn bản, không phải ảnh"), "image/jpeg"))
            .AssertProblem(HttpStatusCode.UnsupportedMediaType, "document.unsupported_type");
        await (await _api.Upload(id, token, "portrait", new byte[6 * 1024 * 1024])).AssertProblem(HttpStatusCode.RequestEntityTooLarge, "document.too_large");
        var missing = await (await _api.Submit(id, token)).AssertProblem(HttpStatusCode.Conflict, "registration.documents_missing");
        Assert.Contains("id-back", missing.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Upload(id, token, "id-back", TestImages.Jpeg)).StatusCode);

        // 7. Submit with the declaration by email: 202, then the email with the Mẫu 01 PDF, whose text has the name.
        var submitted = await _api.Submit(id, token, "00123", byEmail: true);
        Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
        var number = (await submitted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("applicationNumber").GetString()!;
        Assert.StartsWith("00123-", number, StringComparison.Ordinal);

        JsonElement email = default;
        await Eventually.True(async () =>
        {
            var inbox = await http.GetFromJsonAsync<JsonElement[]>(new Uri("/api/dev/messages?to=an.nguyen@example.vn", UriKind.Relative));
            email = inbox!.FirstOrDefault(m => m.GetProperty("subject").GetString()?.Contains(number, StringComparison.Ordinal) == true);
            return email.ValueKind == JsonValueKind.Object;
        }, because: "the declaration email is sent");
        Assert.Equal($"to-khai-mau-01-{number}.pdf", email.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        Assert.Contains("Nguyễn Văn An", email.GetProperty("body").GetString(), StringComparison.Ordinal);

        byte[]? pdf = null;
        await Eventually.True(async () =>
        {
            var response = await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}/declaration.pdf", token);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.True(response.Headers.RetryAfter is not null);
                return false;
            }
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            pdf = await response.Content.ReadAsByteArrayAsync();
            return true;
        }, because: "the Mẫu 01 is rendered");
        using (var document = PdfDocument.Open(pdf!))
        {
            var text = string.Join(' ', document.GetPage(1).GetWords().Select(w => w.Text)).Normalize(NormalizationForm.FormC);
            Assert.Contains("Nguyễn Văn An", text, StringComparison.Ordinal);
            Assert.Contains(number, text, StringComparison.Ordinal);
            Assert.Contains("Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội", text, StringComparison.Ordinal);
        }

        // The receipt SMS gives the application number; the application is Submitted and can no longer be edited.
        await Eventually.True(async () => (await http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Any(m => m.GetProperty("body").GetString()!.Contains(number, StringComparison.Ordinal)), because: "the receipt SMS is sent");
        var after = await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Submitted", after.GetProperty("status").GetString());
        Assert.Equal("00123", after.GetProperty("officeCode").GetString());
        await (await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token, JsonContent.Create(RegistrationClient.Declaration(code, phone))))
            .AssertProblem(HttpStatusCode.Conflict, "registration.not_editable");
        _ = messages;
    }
}

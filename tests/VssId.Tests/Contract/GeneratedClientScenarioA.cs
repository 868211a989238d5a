using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using VssId.Tests.Contract.Client;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.Contract;

/// <summary>
/// Acceptance scenario A, steps 1–7, driven by the client NSwag generates from docs/openapi/v1.json, the
/// way an integrator's app would be written: if the contract lies (a member it calls required is missing,
/// an enum value it does not know, a status it does not declare), this test fails.
/// </summary>
public sealed partial class GeneratedClientScenarioA(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    [Fact]
    public async Task A_generated_client_takes_an_application_from_nothing_to_submitted()
    {
        using var http = fixture.App.CreateClient();
        var api = new VssIdApiClient(http);

        // 1. The legacy catalog has Hà Nội, Quận Bắc Từ Liêm and Phường Minh Khai.
        var provinces = await api.GetProvincesAsync(AddressCatalog.Legacy);
        Assert.Contains(provinces, p => p.Code == "01" && p.FullName == "Thành phố Hà Nội");
        var bacTuLiem = (await api.GetDistrictsAsync("01")).Single(d => d.FullName == "Quận Bắc Từ Liêm").Code;
        var minhKhai = (await api.GetDistrictWardsAsync(bacTuLiem)).Single(w => w.FullName == "Phường Minh Khai").Code;

        // 2. The CCCD QR prefills the identity.
        var prefill = await api.PrefillFromCccdQrAsync(null, new QrRequest
        {
            Payload = "079090001234|025123456|Nguyễn Văn An|15031990|Nam|12 Lê Lợi, Phường Bến Nghé, Quận 1, TP. Hồ Chí Minh|20042021",
        });
        Assert.Equal("079090001234", prefill.IdentityNumber);
        Assert.Equal("Nguyễn Văn An", prefill.FullName);
        Assert.Equal(new DateTime(1990, 3, 15), prefill.DateOfBirth.Date);
        Assert.Equal(CccdPrefillGender.Nam, prefill.Gender);

        // 3. Start with a legacy Hà Nội address and a Viettel mobile typed the international way.
        var tail = Random.Shared.Next(100, 999).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var started = await api.StartApplicationAsync(Guid.NewGuid().ToString(), new DeclarationRequest
        {
            BhxhCode = RegistrationClient.NewCode(),
            FullName = prefill.FullName,
            DateOfBirth = prefill.DateOfBirth,
            Gender = DeclarationRequestGender.Nam,
            IdentityDocument = new IdentityDocumentRequest { Type = IdentityDocumentRequestType.CCCD, Number = prefill.IdentityNumber },
            Address = new AddressRequest
            {
                Catalog = AddressRequestCatalog.Legacy, ProvinceCode = "01", DistrictCode = bacTuLiem, WardCode = minhKhai,
                Street = "Số 12 ngõ 34 đường Phạm Văn Đồng",
            },
            Phone = $"+84 352 153 {tail}",
            Email = "an.nguyen@example.vn",
        });
        Assert.Equal(StartApplicationResponseStatus.Draft, started.Status);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", started.AccessToken);
        var application = await api.GetApplicationAsync(started.Id);
        var phone = "0352153" + tail;
        Assert.Equal(phone, application.Phone);
        Assert.Equal(ApplicationResponseStatus.Draft, application.Status);
        Assert.Null(application.Rejection);

        // 4. Submitting now names the missing step.
        var notVerified = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            api.SubmitApplicationAsync(started.Id, null, new SubmitApplicationRequest { OfficeCode = "00123" }));
        Assert.Equal("registration.phone_not_verified", notVerified.Result.Code);

        // 5. The OTP arrives (read from the development outbox); a wrong code is refused, the right one verifies.
        await api.SendPhoneCodeAsync(started.Id, null);
        var otp = "";
        await Eventually.True(async () =>
        {
            var sms = (await api.ListDevMessagesAsync(phone)).FirstOrDefault(m => m.Channel == DevMessageChannel.Sms && m.Body.Contains("Ma xac thuc", StringComparison.Ordinal));
            otp = sms is null ? "" : SixDigits().Match(sms.Body).Value;
            return otp.Length == 6;
        }, because: "the OTP SMS is in the outbox");
        var wrong = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            api.ConfirmPhoneCodeAsync(started.Id, null, new ConfirmPhoneCodeRequest { Code = otp == "000000" ? "000001" : "000000" }));
        Assert.Equal("otp.invalid", wrong.Result.Code);
        await api.ConfirmPhoneCodeAsync(started.Id, null, new ConfirmPhoneCodeRequest { Code = otp });
        Assert.True((await api.GetApplicationAsync(started.Id)).PhoneVerified);

        // 6. Photos: a text file is 415, 6 MB is 413, without id-back submission says what is missing.
        await api.AttachDocumentAsync(started.Id, Kind.Portrait, Image(TestImages.Jpeg, "image/jpeg"));
        await api.AttachDocumentAsync(started.Id, Kind.IdFront, Image(TestImages.Png, "image/png"));
        var notImage = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            api.AttachDocumentAsync(started.Id, Kind.Portrait, Image("không phải ảnh"u8.ToArray(), "image/jpeg")));
        Assert.Equal(415, notImage.StatusCode);
        var tooLarge = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            api.AttachDocumentAsync(started.Id, Kind.Portrait, Image(new byte[6 * 1024 * 1024], "image/jpeg")));
        Assert.Equal("document.too_large", tooLarge.Result.Code);
        var missing = await Assert.ThrowsAsync<ApiException<Problem>>(() =>
            api.SubmitApplicationAsync(started.Id, null, new SubmitApplicationRequest { OfficeCode = "00123" }));
        Assert.Equal("registration.documents_missing", missing.Result.Code);
        await api.AttachDocumentAsync(started.Id, Kind.IdBack, Image(TestImages.Jpeg, "image/jpeg"));

        // 7. Submit with the declaration by email: the email carries the Mẫu 01, and the PDF is served.
        var submitted = await api.SubmitApplicationAsync(started.Id, Guid.NewGuid().ToString(),
            new SubmitApplicationRequest { OfficeCode = "00123", SendDeclarationByEmail = true });
        Assert.Equal(SubmitApplicationResponseStatus.Submitted, submitted.Status);
        await Eventually.True(async () => (await api.ListDevMessagesAsync("an.nguyen@example.vn"))
            .Any(m => m.Channel == DevMessageChannel.Email && m.Attachments.Any(a => a.FileName == $"to-khai-mau-01-{submitted.ApplicationNumber}.pdf")),
            because: "the declaration email is sent");
        await Eventually.True(async () =>
        {
            try
            {
                using var pdf = await api.GetDeclarationPdfAsync(started.Id);
                return pdf.StatusCode == 200 && pdf.Stream.ReadByte() == '%';
            }
            catch (ApiException pending) when (pending.StatusCode == 202)
            {
                return false;
            }
        }, because: "the Mẫu 01 is rendered");
        var final = await api.GetApplicationAsync(started.Id);
        Assert.Equal(ApplicationResponseStatus.Submitted, final.Status);
        Assert.Equal(submitted.ApplicationNumber, final.ApplicationNumber);
    }

    private static FileParameter Image(byte[] bytes, string contentType) => new(new MemoryStream(bytes), null, contentType);

    [GeneratedRegex("[0-9]{6}")]
    private static partial Regex SixDigits();
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Registration;

public sealed class RegistrationRulesTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly RegistrationClient _api = new(fixture.App.CreateClient());

    private Task<long> Applications() =>
        // Registration's own rows and streams: other modules' reactions to earlier tests (an Approval case) may still be arriving.
        NotificationsDbCount("SELECT (SELECT count(*) FROM registration.application_index) + (SELECT count(DISTINCT stream_id) FROM events.mt_events WHERE type LIKE 'registration.%')");

    private Task<long> NotificationsDbCount(string sql) => VssId.Tests.Notifications.NotificationsDb.Count(fixture.ConnectionString, sql);

    [Fact]
    public async Task A_token_opens_only_its_own_application()
    {
        var (a, tokenA) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var (b, _) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{a}", tokenA)).StatusCode);
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{b}", tokenA)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{Guid.NewGuid()}", tokenA)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{a}", null)).AssertProblem(HttpStatusCode.Unauthorized, "auth.unauthorized");
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{a}", "forged-token")).AssertProblem(HttpStatusCode.Unauthorized, "auth.unauthorized");
        await (await _api.Upload(b, tokenA, "portrait", TestImages.Jpeg)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Submit(b, tokenA)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
    }

    [Fact]
    public async Task Several_drafts_of_one_code_submitting_at_once_give_exactly_one_202()
    {
        var code = RegistrationClient.NewCode();
        var drafts = new List<(Guid Id, string Token)>();
        for (var i = 0; i < 4; i++)
        {
            drafts.Add(await _api.Ready(code, RegistrationClient.NewPhone()));
        }
        var answers = await Task.WhenAll(drafts.Select(d => _api.Submit(d.Id, d.Token)));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Accepted);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Accepted))
        {
            await refused.AssertProblem(HttpStatusCode.Conflict, "registration.application_open");
        }
        // Once one is submitted, starting another for the code is refused too.
        var again = await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), RegistrationClient.Declaration(code, RegistrationClient.NewPhone()));
        await again.AssertProblem(HttpStatusCode.Conflict, "registration.application_open");
    }

    [Fact]
    public async Task A_phone_holds_at_most_three_open_drafts_and_withdrawing_frees_a_slot()
    {
        var phone = RegistrationClient.NewPhone();
        var drafts = new List<(Guid Id, string Token)>();
        for (var i = 0; i < 3; i++)
        {
            var draft = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            await _api.VerifyPhone(draft.Id, draft.Token, phone);
            drafts.Add(draft);
        }
        var first = drafts[0];
        var fourth = await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
        await fourth.AssertProblem(HttpStatusCode.TooManyRequests, "registration.too_many_drafts");

        Assert.Equal(HttpStatusCode.NoContent, (await _api.Send(HttpMethod.Delete, $"/api/v1/registrations/{first.Id}", first.Token)).StatusCode);
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{first.Id}", first.Token)).AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
    }

    // Issue 13 item 2, acceptance F2: drafts naming someone else's phone, never verified, block nobody.
    [Fact]
    public async Task Three_unverified_drafts_naming_a_phone_do_not_stop_its_owner()
    {
        var phone = RegistrationClient.NewPhone();
        for (var i = 0; i < 3; i++)
        {
            var stranger = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            // Editing keeps nothing alive and changes nothing: still unverified.
            Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{stranger.Id}", stranger.Token,
                JsonContent.Create(RegistrationClient.Declaration((await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{stranger.Id}", stranger.Token))
                    .Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("bhxhCode").GetString()!, phone)))).StatusCode);
        }
        var (id, token) = await _api.Ready(RegistrationClient.NewCode(), phone);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Submit(id, token)).StatusCode);
    }

    [Fact]
    public async Task A_fourth_draft_cannot_verify_a_phone_that_three_open_drafts_verified()
    {
        var phone = RegistrationClient.NewPhone();
        var waiting = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
        for (var i = 0; i < 3; i++)
        {
            var draft = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone));
            await _api.VerifyPhone(draft.Id, draft.Token, phone);
        }
        await (await _api.ConfirmPhone(waiting.Id, waiting.Token, phone)).AssertProblem(HttpStatusCode.TooManyRequests, "registration.too_many_drafts");
    }

    [Fact]
    public async Task Replacing_the_declaration_keeps_the_code_checks_the_etag_and_a_new_phone_needs_verifying_again()
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await _api.Start(RegistrationClient.Declaration(code, phone));
        await _api.VerifyPhone(id, token, phone);
        var read = await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token);
        var etag = read.Headers.ETag!.Tag;

        await (await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token, JsonContent.Create(RegistrationClient.Declaration(RegistrationClient.NewCode(), phone))))
            .AssertProblem(HttpStatusCode.Conflict, "registration.bhxh_code_immutable");
        await (await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token, JsonContent.Create(RegistrationClient.Declaration(code, phone)), ifMatch: "\"999\""))
            .AssertProblem(HttpStatusCode.PreconditionFailed, "request.precondition_failed");

        var newPhone = RegistrationClient.NewPhone();
        var replaced = await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token,
            JsonContent.Create(RegistrationClient.Declaration(code, newPhone, fullName: "Trần Thị Bình")), ifMatch: etag);
        Assert.Equal(HttpStatusCode.OK, replaced.StatusCode);
        var body = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Trần Thị Bình", body.GetProperty("fullName").GetString());
        Assert.False(body.GetProperty("phoneVerified").GetBoolean());
        // The old ETag is stale now.
        await (await _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token, JsonContent.Create(RegistrationClient.Declaration(code, newPhone)), ifMatch: etag))
            .AssertProblem(HttpStatusCode.PreconditionFailed, "request.precondition_failed");
    }

    [Fact]
    public async Task Photos_lose_their_gps_and_other_metadata_before_storage()
    {
        var (id, token) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        var upload = TestImages.JpegWithGps();
        Assert.Contains(TestImages.GpsMarker, Encoding.ASCII.GetString(upload), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Upload(id, token, "portrait", upload)).StatusCode);

        var root = fixture.App.Services.GetRequiredService<IConfiguration>()["FileStore:Root"]!;
        var stored = Assert.Single(Directory.GetFiles(Path.Combine(root, "registration", id.ToString("N"))));
        // At rest the photo is sealed with the applicant's key (issue 13 item 12): opened, it is the stripped JPEG.
        var raw = await File.ReadAllBytesAsync(stored);
        Assert.True(VssId.BuildingBlocks.Privacy.PersonKeys.IsSealed(raw));
        var bytes = (await fixture.App.Services.GetRequiredService<VssId.BuildingBlocks.Privacy.PersonKeys>().Open(raw, default))!;
        var text = Encoding.ASCII.GetString(bytes);
        Assert.DoesNotContain(TestImages.GpsMarker, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exif", text, StringComparison.Ordinal);
        Assert.Equal(0xFF, bytes[0]);
        Assert.Equal(0xD8, bytes[1]);
        Assert.True(bytes.Length > TestImages.Jpeg.Length / 2, "the image data is kept");
    }

    [Fact]
    public async Task An_exif_offset_near_two_to_the_32_is_no_500()
    {
        var (id, token) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        Assert.Equal(HttpStatusCode.NoContent, (await _api.Upload(id, token, "portrait", TestImages.JpegWithHugeExifOffset())).StatusCode);
    }

    [Fact]
    public async Task Photos_that_are_too_small_or_of_an_unknown_kind_are_refused()
    {
        var (id, token) = await _api.Start(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()));
        await (await _api.Upload(id, token, "portrait", TestImages.TinyJpeg)).AssertProblem(HttpStatusCode.BadRequest, "document.too_small");
        await (await _api.Upload(id, token, "selfie", TestImages.Jpeg)).AssertProblem(HttpStatusCode.NotFound, "document.kind_unknown");
        await (await _api.Upload(id, token, "portrait", [0xFF, 0xD8, 0xFF, 0xE0, 0x00])).AssertProblem(HttpStatusCode.UnsupportedMediaType, "document.unsupported_type");
        var application = await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(0, application.GetProperty("documents").GetArrayLength());
    }

    [Fact]
    public async Task Submit_checks_the_office_and_the_email_before_the_state()
    {
        var (id, token) = await _api.Ready(RegistrationClient.NewCode(), RegistrationClient.NewPhone(), email: null);
        var unknown = await (await _api.Submit(id, token, "99999")).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("registration.office_unknown", unknown.GetProperty("fieldErrors")[0].GetProperty("code").GetString());
        var noEmail = await (await _api.Submit(id, token, "00123", byEmail: true)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("registration.email_required", noEmail.GetProperty("fieldErrors")[0].GetProperty("code").GetString());
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}/declaration.pdf", token)).AssertProblem(HttpStatusCode.Conflict, "registration.not_submitted");
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Submit(id, token)).StatusCode);
    }

    [Fact]
    public async Task Status_lookup_needs_code_and_phone_and_resume_issues_a_fresh_token()
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await _api.Ready(code, phone);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Submit(id, token)).StatusCode);

        var status = await _api.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/v1/registrations/status?bhxhCode={code}&phone=%2B84{phone[1..]}", UriKind.Relative));
        Assert.Equal("Submitted", status.GetProperty("status").GetString());
        Assert.Equal("00123", status.GetProperty("officeCode").GetString());
        await (await _api.Http.GetAsync(new Uri($"/api/v1/registrations/status?bhxhCode={code}&phone={RegistrationClient.NewPhone()}", UriKind.Relative)))
            .AssertProblem(HttpStatusCode.NotFound, "request.not_found");
        await (await _api.Http.GetAsync(new Uri("/api/v1/registrations/status?bhxhCode=abc&phone=1", UriKind.Relative)))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");

        var otpsBefore = (await _api.Http.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={phone}", UriKind.Relative)))!
            .Count(m => m.GetProperty("body").GetString()!.Contains("Ma xac thuc", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume", UriKind.Relative), new { bhxhCode = code, phone })).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume", UriKind.Relative), new { bhxhCode = RegistrationClient.NewCode(), phone })).StatusCode);
        var otp = await _api.LatestOtp(phone, after: otpsBefore);
        var resumed = await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations/resume/confirm", UriKind.Relative), new { bhxhCode = code, phone, code = otp });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        var fresh = (await resumed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", fresh)).StatusCode);
        await (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).AssertProblem(HttpStatusCode.Unauthorized, "auth.unauthorized");
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{\"bhxhCode\": \"0120169123\", ", "request.malformed" },
        { "{\"bhxhCode\": 120169123, \"dateOfBirth\": \"1990-03-15\"}", "request.malformed" },
        { "{\"dateOfBirth\": \"15/03/1990\"}", "request.malformed" },
        { "[]", "request.malformed" },
        { "{}", "request.validation_failed" },
        { "{\"bhxhCode\":\"0120169123\",\"fullName\":\"Robert'); DROP TABLE registration.application_index;--\",\"dateOfBirth\":\"1990-03-15\",\"gender\":\"Nam\",\"identityDocument\":{\"type\":\"CCCD\",\"number\":\"001090001234\"},\"address\":{\"catalog\":\"legacy\",\"provinceCode\":\"01\",\"districtCode\":\"021\",\"wardCode\":\"00613\",\"street\":\"x\"},\"phone\":\"0352153123\"}", "request.validation_failed" },
        { "{\"bhxhCode\":\"0120169123\",\"fullName\":\"<script>alert(1)</script>\",\"dateOfBirth\":\"1990-03-15\",\"gender\":\"Nam\",\"identityDocument\":{\"type\":\"CCCD\",\"number\":\"001090001234\"},\"address\":{\"catalog\":\"legacy\",\"provinceCode\":\"01\",\"districtCode\":\"021\",\"wardCode\":\"00613\",\"street\":\"x\"},\"phone\":\"0352153123\"}", "request.validation_failed" },
        { "{\"bhxhCode\":\"0120169123\",\"fullName\":\"Nguyễn Văn An\",\"dateOfBirth\":\"1990-03-15\",\"gender\":\"Male\",\"identityDocument\":{\"type\":\"DriverLicence\",\"number\":\"1\"},\"address\":{\"catalog\":\"1999\",\"provinceCode\":\"01\",\"wardCode\":\"00613\",\"street\":\"x\"},\"phone\":\"0352153123\"}", "request.validation_failed" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_input_is_a_400_problem_and_stores_nothing(string body, string code)
    {
        var before = await Applications();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        await (await _api.Http.PostAsync(new Uri("/api/v1/registrations", UriKind.Relative), content)).AssertProblem(HttpStatusCode.BadRequest, code);
        Assert.Equal(before, await Applications());
    }

    // Acceptance E1 with issue 13 item 9: a 1 MB string is over the 64 KB a JSON route reads (413, before any
    // parsing); a long name inside the limit is a 400 naming the field.
    [Fact]
    public async Task A_one_megabyte_name_is_a_413_problem_and_a_long_name_a_400()
    {
        var before = await Applications();
        var declaration = RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone(), fullName: new string('A', 1024 * 1024));
        var tooLarge = await (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), declaration))
            .AssertProblem(HttpStatusCode.RequestEntityTooLarge, "request.too_large");
        Assert.True(tooLarge.GetRawText().Length < 10_000, "the problem does not echo the input");
        var longName = RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone(), fullName: new string('A', 50_000));
        var problem = await (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), longName))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("fullName", out _));
        Assert.True(problem.GetRawText().Length < 10_000, "the problem does not echo the input");
        Assert.Equal(before, await Applications());
    }

    [Fact]
    public async Task Every_field_error_has_a_stable_code_and_both_languages()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/registrations")
        {
            Content = JsonContent.Create(new
            {
                bhxhCode = "12345",
                fullName = "A",
                dateOfBirth = "2999-01-01",
                gender = "Nam",
                identityDocument = new { type = "CCCD", number = "001190001234" },
                address = new { catalog = "legacy", provinceCode = "01", districtCode = "021", wardCode = "00004", street = "" },
                phone = "0241234567",
                email = "not an email",
            }),
        };
        request.Headers.AcceptLanguage.ParseAdd("en");
        var problem = await (await _api.Http.SendAsync(request)).AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        var codes = problem.GetProperty("fieldErrors").EnumerateArray().ToDictionary(e => e.GetProperty("field").GetString()!, e => e.GetProperty("code").GetString());
        Assert.Equal("registration.bhxh_code_invalid", codes["bhxhCode"]);
        Assert.Equal("registration.full_name_invalid", codes["fullName"]);
        Assert.Equal("registration.date_of_birth_invalid", codes["dateOfBirth"]);
        Assert.Equal("registration.phone_invalid", codes["phone"]);
        Assert.Equal("registration.email_invalid", codes["email"]);
        Assert.Equal("address.ward_unknown", codes["address.wardCode"]);
        Assert.Equal("registration.street_invalid", codes["address.street"]);
        Assert.Equal("Not a valid Vietnamese mobile number.", problem.GetProperty("errors").GetProperty("phone")[0].GetString());
    }

    [Fact]
    public async Task A_cccd_that_disagrees_with_the_birth_year_or_gender_is_refused()
    {
        var declaration = JsonSerializer.SerializeToNode(RegistrationClient.Declaration(RegistrationClient.NewCode(), RegistrationClient.NewPhone()))!;
        declaration["identityDocument"]!["number"] = "001190001234"; // 1 = a woman born in the 1900s; the declaration says Nam
        var problem = await (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), declaration))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal("registration.cccd_mismatch", problem.GetProperty("fieldErrors")[0].GetProperty("code").GetString());
        declaration["identityDocument"]!["number"] = "001091001234"; // born 1991, declared 1990
        await (await _api.Http.PostAsJsonAsync(new Uri("/api/v1/registrations", UriKind.Relative), declaration))
            .AssertProblem(HttpStatusCode.BadRequest, "request.validation_failed");
    }

    [Fact]
    public async Task Submitting_withdrawing_editing_and_uploading_at_the_same_moment_never_fails_with_a_5xx_and_at_most_one_closes_the_draft()
    {
        var code = RegistrationClient.NewCode();
        var phone = RegistrationClient.NewPhone();
        var (id, token) = await _api.Ready(code, phone);
        var etag = (await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token)).Headers.ETag!.Tag;
        var calls = new List<(string What, Task<HttpResponseMessage> Answer)>();
        for (var i = 0; i < 3; i++)
        {
            calls.Add(("submit", _api.Submit(id, token)));
            calls.Add(("withdraw", _api.Send(HttpMethod.Delete, $"/api/v1/registrations/{id}", token)));
            calls.Add(("edit", _api.Send(HttpMethod.Put, $"/api/v1/registrations/{id}", token,
                JsonContent.Create(RegistrationClient.Declaration(code, phone, fullName: "Nguyễn Văn Bình")), ifMatch: etag)));
            calls.Add(("upload", _api.Upload(id, token, "portrait", TestImages.Jpeg)));
        }
        await Task.WhenAll(calls.Select(c => c.Answer));
        var answers = calls.Select(c => (c.What, Status: (int)c.Answer.Result.StatusCode)).ToList();
        Assert.True(answers.All(a => a.Status < 500), string.Join(", ", answers));
        // One of the submissions and withdrawals may close the draft; every other one finds it closed (or changed) and says so.
        var closed = answers.Where(a => a.What is "submit" or "withdraw" && a.Status is >= 200 and < 300).ToList();
        Assert.True(closed.Count <= 1, string.Join(", ", answers));
        var expected = closed.Count == 0 ? "Draft" : closed[0].What == "submit" ? "Submitted" : "Withdrawn";
        var application = await _api.Send(HttpMethod.Get, $"/api/v1/registrations/{id}", token);
        if (application.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(expected, (await application.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        Assert.Equal(expected == "Submitted" ? 1 : 0, await NotificationsDbCount(
            $"SELECT count(*) FROM registration.application_index WHERE bhxh_code = '{code}' AND open_submission"));
    }
}

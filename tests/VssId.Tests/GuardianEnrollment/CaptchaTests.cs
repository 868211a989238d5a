using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SkiaSharp;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Captcha;
using VssId.Tests.Credentials;
using VssId.Tests.Infrastructure;
using VssId.Tests.Registration;

namespace VssId.Tests.GuardianEnrollment;

/// <summary>The captcha: single use, bound to its account, 5 minutes, limited per account, skipped for partner logins, unreadable by a naive OCR.</summary>
public sealed class CaptchaTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly EnrollmentClient _api = new(fixture.App);

    private Task<HttpResponseMessage> Start(string token, Guid? captchaId, string? answer) =>
        _api.Identity.Send(HttpMethod.Post, "/api/v1/me/children", token, EnrollmentClient.Declaration(RegistrationClient.NewCode(), captchaId: captchaId, captchaAnswer: answer));

    [Fact]
    public async Task A_wrong_answer_spends_the_captcha_and_a_right_one_works_once()
    {
        var (_, _, token) = await _api.Guardian();
        var (id, answer) = await _api.Captcha(token);
        await (await Start(token, id, "AAAAA")).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
        // Spent by the wrong guess: no second try with the same image.
        await (await Start(token, id, answer)).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");

        var (second, secondAnswer) = await _api.Captcha(token);
        Assert.Equal(HttpStatusCode.Created, (await Start(token, second, $" {secondAnswer.ToLowerInvariant()} ")).StatusCode);
        await (await Start(token, second, secondAnswer)).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");

        // Missing, or an id nobody issued.
        await (await Start(token, null, null)).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
        await (await Start(token, Guid.NewGuid(), "K7M3X")).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
    }

    [Fact]
    public async Task A_captcha_answers_only_for_the_account_that_fetched_it()
    {
        var (_, _, mine) = await _api.Guardian();
        var (_, _, theirs) = await _api.Guardian();
        var (id, answer) = await _api.Captcha(theirs);
        await (await Start(mine, id, answer)).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
    }

    [Fact]
    public async Task A_captcha_expires_after_five_minutes_and_issuing_is_limited_per_account()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var services = fixture.App.Services;
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RateLimiting:Enabled"] = "true",
            ["RateLimiting:CaptchasPerTenMinutes"] = "3",
        }).Build();
        var captchas = new Captchas(services.GetRequiredService<NpgsqlDataSource>(), services.GetRequiredService<ServerKeys>(), settings, clock);
        var subject = Guid.NewGuid().ToString();

        var (id, _) = await captchas.Issue(subject, default);
        clock.Advance(Captchas.Lifetime + TimeSpan.FromSeconds(1));
        var expired = await Assert.ThrowsAsync<ProblemException>(() => captchas.Verify(subject, id, captchas.AnswerOf(id), default));
        Assert.Equal("captcha.expired", expired.Type.Code);

        await captchas.Issue(subject, default);
        await captchas.Issue(subject, default);
        var limited = await Assert.ThrowsAsync<ProblemException>(() => captchas.Issue(subject, default));
        Assert.Equal("captcha.rate_limited", limited.Type.Code);
        Assert.Equal(429, limited.Type.Status);
        Assert.NotNull(limited.RetryAfter);
        // Another account is not affected; the window passes.
        await captchas.Issue(Guid.NewGuid().ToString(), default);
        clock.Advance(Captchas.LimitWindow);
        await captchas.Issue(subject, default);
        // The hourly job forgets what is past the window.
        clock.Advance(Captchas.LimitWindow + Captchas.Lifetime + TimeSpan.FromSeconds(1));
        Assert.True(await captchas.Forget(default) >= 5);
    }

    [Fact]
    public async Task A_citizen_logged_in_through_a_partner_app_enrols_without_a_captcha_and_a_wrong_client_is_refused()
    {
        var identity = _api.Identity;
        var approved = IdentityClient.Approval() with { AddressLine = "Số 1 Tràng Tiền, Phường Hoàn Kiếm, Thành phố Hà Nội", ProvinceName = "Hà Nội" };
        var (code, _, password) = await identity.ActiveCitizen(approved);
        var (clientId, secret, _) = await identity.Client("partner");

        var refused = await identity.Token(("grant_type", "password"), ("username", code), ("password", password), ("client_id", clientId), ("client_secret", "sai"));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode); // RFC 6749 §5.2
        Assert.Equal("invalid_client", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());

        var login = await identity.Token(("grant_type", "password"), ("username", code), ("password", password), ("client_id", clientId), ("client_secret", secret));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.Created, (await Start(token, null, null)).StatusCode);

        // The same person logged in directly is an interactive session: the captcha is required.
        var direct = await identity.AccessToken(code, password);
        await (await Start(direct, null, null)).AssertProblem(HttpStatusCode.BadRequest, "captcha.invalid");
    }

    [Fact]
    public async Task The_image_is_a_distorted_png_that_a_naive_ocr_cannot_read_though_it_reads_the_same_letters_undistorted()
    {
        var captchas = fixture.App.Services.GetRequiredService<Captchas>();
        var directory = Directory.CreateTempSubdirectory("vssid-captcha-").FullName;
        int read = 0, control = 0;
        const int Samples = 20;
        for (var i = 0; i < Samples; i++)
        {
            var answer = captchas.AnswerOf(Guid.NewGuid());
            var png = CaptchaImage.Draw(answer);
            using (var bitmap = SKBitmap.Decode(png))
            {
                Assert.Equal((CaptchaImage.Width, CaptchaImage.Height), (bitmap.Width, bitmap.Height));
            }
            if (Environment.GetEnvironmentVariable("VSSID_CAPTCHA_DUMP") is { Length: > 0 } dump)
            {
                // For a person to check the other half of the rule: VSSID_CAPTCHA_DUMP=/tmp/c ./test.sh, then look.
                Directory.CreateDirectory(dump);
                File.WriteAllBytes(Path.Combine(dump, $"{answer}.png"), png);
            }
            read += Ocr(png, directory) == answer ? 1 : 0;
            control += Ocr(Plain(answer), directory) == answer ? 1 : 0;
        }
        // The control proves the OCR works on these letters; the captcha defeats it.
        Assert.True(control >= Samples * 3 / 4, $"tesseract read {control} of {Samples} plain renderings: the control is broken");
        Assert.True(read <= 1, $"tesseract read {read} of {Samples} captchas");
        Assert.NotEqual(CaptchaImage.Draw("K7M3X"), CaptchaImage.Draw("K7M3X"));
    }

    // Tesseract told everything it could know: one line, the captcha's alphabet only.
    private static string Ocr(byte[] png, string directory)
    {
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, png);
        var start = new ProcessStartInfo("tesseract", [path, "stdout", "--psm", "7", "-c", "tessedit_char_whitelist=ACDEFHJKMNPRTUVWXY34679"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new string(text.Where(char.IsLetterOrDigit).ToArray());
    }

    private static byte[] Plain(string answer)
    {
        using var bitmap = new SKBitmap(CaptchaImage.Width, CaptchaImage.Height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            using var font = new SKFont(SKTypeface.FromData(SKData.CreateCopy(FontBytes())), 40);
            using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            canvas.DrawText(answer, 20, 55, SKTextAlign.Left, font, ink);
        }
        using var image = SKImage.FromBitmap(bitmap);
        return image.Encode(SKEncodedImageFormat.Png, 100).ToArray();
    }

    private static byte[] FontBytes()
    {
        using var stream = typeof(Captchas).Assembly.GetManifestResourceStream("CaptchaFont.ttf")!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}

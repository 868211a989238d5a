using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using VssId.Modules.Notifications.Contracts;
using VssId.Tests.Infrastructure;

namespace VssId.Tests.Notifications;

/// <summary>SMS and email through Hangfire on real PostgreSQL with the outbox provider.</summary>
public sealed class MessagingTests(VssIdFixture fixture) : IClassFixture<VssIdFixture>
{
    private readonly HttpClient _client = fixture.App.CreateClient();

    private async Task<T> InScope<T>(Func<IServiceProvider, Task<T>> action)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider);
    }

    private async Task<JsonElement[]> DevMessages(string to) =>
        (await _client.GetFromJsonAsync<JsonElement[]>(new Uri($"/api/dev/messages?to={Uri.EscapeDataString(to)}", UriKind.Relative)))!;

    [Fact]
    public async Task An_sms_goes_through_a_job_folded_to_gsm7_and_shows_in_the_development_outbox()
    {
        var id = Guid.NewGuid();
        var accepted = await InScope(sp => sp.GetRequiredService<IMessageSender>().SendSms(new SmsRequest(id, "0352153001", MessageTemplates.ApplicationReceived,
            new Dictionary<string, string> { ["applicationNumber"] = "00123-20261125-000001", ["officeName"] = "BHXH Huyện Chương Mỹ" }), default));
        Assert.True(accepted);
        await NotificationsDb.WaitForStatus(fixture.App, id, "Sent");

        var message = Assert.Single(await DevMessages("0352153001"));
        Assert.Equal("sms", message.GetProperty("channel").GetString());
        Assert.Equal("VssID: Ho so 00123-20261125-000001 da duoc gui toi BHXH Huyen Chuong My. Tra cuu tinh trang bang ma so BHXH va so dien thoai.",
            message.GetProperty("body").GetString());
        var row = (await NotificationsDb.Delivery(fixture.App, id))!;
        Assert.Equal(1, row.Attempts);
        Assert.Equal(1, row.Segments);
        Assert.NotNull(row.SentAt);
    }

    [Fact]
    public async Task The_same_message_id_twice_sends_once()
    {
        var id = Guid.NewGuid();
        var request = new SmsRequest(id, "0352153002", MessageTemplates.AccountLocked, new Dictionary<string, string> { ["minutes"] = "15" });
        Assert.True(await InScope(sp => sp.GetRequiredService<IMessageSender>().SendSms(request, default)));
        Assert.False(await InScope(sp => sp.GetRequiredService<IMessageSender>().SendSms(request, default)));
        await NotificationsDb.WaitForStatus(fixture.App, id, "Sent");
        // A job run again for a sent message does nothing.
        await InScope(async sp =>
        {
            await sp.GetRequiredService<VssId.Modules.Notifications.Messaging.SendMessageJob>().Run(id, default);
            return true;
        });
        Assert.Single(await DevMessages("0352153002"));
    }

    [Fact]
    public async Task A_secret_is_erased_from_the_delivery_log_once_sent()
    {
        var id = Guid.NewGuid();
        await InScope(sp => sp.GetRequiredService<IMessageSender>().SendSms(new SmsRequest(id, "0352153003", MessageTemplates.AccountIssued,
            new Dictionary<string, string> { ["bhxhCode"] = "0120169123", ["password"] = "K7MX9P2QAZ" }), default));
        await NotificationsDb.WaitForStatus(fixture.App, id, "Sent");
        var row = (await NotificationsDb.Delivery(fixture.App, id))!;
        Assert.True(row.BodyErased);
        Assert.DoesNotContain("K7MX9P2QAZ", row.BodyRedacted, StringComparison.Ordinal);
        // The development outbox is the one place that shows it, by design.
        Assert.Contains("K7MX9P2QAZ", Assert.Single(await DevMessages("0352153003")).GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_carries_its_pdf_attachment_once_the_form_is_rendered()
    {
        var form = SampleForms.Adult();
        var emailId = Guid.NewGuid();
        await InScope(async sp =>
        {
            Assert.True(await sp.GetRequiredService<IDeclarationForms>().Request(form, default));
            Assert.False(await sp.GetRequiredService<IDeclarationForms>().Request(form, default));
            return await sp.GetRequiredService<IMessageSender>().SendEmail(new EmailRequest(emailId, "an.nguyen@example.vn", MessageTemplates.DeclarationEmail,
                new Dictionary<string, string> { ["fullName"] = "Nguyễn Văn An", ["applicationNumber"] = form.ApplicationNumber, ["officeName"] = form.OfficeName },
                [new EmailAttachmentRef(form.DocumentId, "mau-01.pdf")]), default);
        });
        await NotificationsDb.WaitForStatus(fixture.App, emailId, "Sent");
        var email = Assert.Single(await DevMessages("an.nguyen@example.vn"));
        Assert.Equal("Tờ khai đăng ký giao dịch điện tử BHXH — hồ sơ 00123-20261125-000042", email.GetProperty("subject").GetString());
        Assert.Contains("Kính gửi Nguyễn Văn An,", email.GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal("mau-01.pdf", Assert.Single(email.GetProperty("attachments").EnumerateArray()).GetProperty("fileName").GetString());
        var stored = await InScope(sp => sp.GetRequiredService<IDeclarationForms>().Get(form.DocumentId, default));
        Assert.Equal(DeclarationFormStatus.Ready, stored.Status);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(stored.Pdf!, 0, 5), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_verify_endpoint_answers_authentic_for_the_qr_token_and_not_authentic_for_anything_else()
    {
        var form = SampleForms.Adult();
        await InScope(sp => sp.GetRequiredService<IDeclarationForms>().Request(form, default));
        byte[]? pdf = null;
        await Eventually.True(async () => (pdf = (await InScope(sp => sp.GetRequiredService<IDeclarationForms>().Get(form.DocumentId, default))).Pdf) is not null,
            because: "the form is rendered by its job");
        var url = new Uri(QrReader.FromPdf(pdf!) ?? throw new Xunit.Sdk.XunitException("the form's QR code does not decode"));
        Assert.Equal("/api/v1/documents/verify", url.AbsolutePath);

        var verified = await _client.GetFromJsonAsync<JsonElement>(new Uri(url.PathAndQuery, UriKind.Relative));
        Assert.True(verified.GetProperty("authentic").GetBoolean());
        Assert.Equal("Nguyễn Văn An", verified.GetProperty("declarantName").GetString());
        Assert.Equal("079******234", verified.GetProperty("identityNumberMasked").GetString());
        Assert.Equal("BHXH Huyện Chương Mỹ", verified.GetProperty("officeName").GetString());
        Assert.Equal("2026-11-25", verified.GetProperty("submittedOn").GetString());
        Assert.DoesNotContain("079090001234", verified.GetRawText(), StringComparison.Ordinal);

        var token = url.Query["?token=".Length..];
        var forged = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        foreach (var bad in new[] { forged, token[..20], "garbage!!", new string('A', 43), "", Uri.EscapeDataString("' OR 1=1 --"), new string('x', 5000) })
        {
            var answer = await _client.GetAsync(new Uri($"/api/v1/documents/verify?token={bad}", UriKind.Relative));
            Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{bad}: {await answer.Content.ReadAsStringAsync()}");
            Assert.False((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("authentic").GetBoolean(), bad);
        }
    }
}

using System.Net;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Notifications.Messaging;

/// <summary>A rendered message: what the recipient reads, and the copy that may be kept once sent.</summary>
internal sealed record RenderedMessage(string? Subject, string Body, string? HtmlBody, string RedactedBody, bool Sensitive);

/// <summary>
/// The texts of every message, in Vietnamese with diacritics (the SMS channel folds them). A template
/// names the parameters that are secrets; they are masked in the copy the delivery log keeps.
/// </summary>
internal static class Templates
{
    private sealed record SmsTemplate(string Text, string[] Secrets);

    private static readonly Dictionary<string, SmsTemplate> Sms = new()
    {
        [MessageTemplates.Otp] = new("VssID: Mã xác thực của bạn là {code}. Hiệu lực {minutes} phút. Không chia sẻ mã này cho bất kỳ ai.", ["code"]),
        [MessageTemplates.ApplicationReceived] = new("VssID: Hồ sơ {applicationNumber} đã được gửi tới {officeName}. Tra cứu tình trạng bằng mã số BHXH và số điện thoại.", []),
        [MessageTemplates.AccountIssued] = new("VssID: Tài khoản {bhxhCode} đã được duyệt. Mật khẩu đăng nhập lần đầu: {password}. Vui lòng đổi mật khẩu sau khi đăng nhập.", ["password"]),
        [MessageTemplates.ChildAccountIssued] = new("VssID: Tài khoản của trẻ {bhxhCode} đã được duyệt. Mật khẩu đăng nhập lần đầu: {password}. Vui lòng đổi mật khẩu sau khi đăng nhập.", ["password"]),
        [MessageTemplates.EnrollmentReceived] = new("VssID: Hồ sơ của trẻ {applicationNumber} đã được gửi tới {officeName}. In tờ khai Mẫu 01, ký và nộp cho giáo viên chủ nhiệm.", []),
        [MessageTemplates.EnrollmentConsent] = new("VssID: Trường {schoolCode} đăng ký BHXH cho trẻ {childName}, lớp {classCode}. Đồng ý: nhập mã {code} trên VssID trong {days} ngày. Không chia sẻ mã.", ["code"]),
        [MessageTemplates.ApplicationRejected] = new("VssID: Hồ sơ {applicationNumber} không được duyệt. Lý do: {reason}", []),
        [MessageTemplates.NeedsInformation] = new("VssID: Hồ sơ {applicationNumber} cần bổ sung: {reason}. Vui lòng sửa và gửi lại trên ứng dụng.", []),
        [MessageTemplates.ResumeLocked] = new("VssID: Mã lấy lại hồ sơ đăng ký bị nhập sai nhiều lần; chức năng này tạm khóa đến {until}. Nếu không phải bạn, không chia sẻ mã OTP cho ai.", []),
        [MessageTemplates.AccountLocked] = new("VssID: Tài khoản của bạn bị tạm khóa {minutes} phút do nhập sai mật khẩu nhiều lần. Dùng \"Quên mật khẩu\" nếu cần.", []),
    };

    public static bool IsSms(string template) => Sms.ContainsKey(template);

    public static bool IsEmail(string template) => template is MessageTemplates.DeclarationEmail or MessageTemplates.OtpEmail or MessageTemplates.DecisionEmail;

    public static RenderedMessage RenderSms(string template, IReadOnlyDictionary<string, string> parameters)
    {
        var t = Sms.TryGetValue(template, out var found) ? found : throw new ArgumentException($"Unknown SMS template {template}.", nameof(template));
        var body = Fill(t.Text, parameters, encode: false);
        var redacted = Fill(t.Text, parameters.ToDictionary(p => p.Key, p => t.Secrets.Contains(p.Key) ? "******" : p.Value), encode: false);
        return new RenderedMessage(null, body, null, redacted, t.Secrets.Length > 0);
    }

    public static RenderedMessage RenderEmail(string template, IReadOnlyDictionary<string, string> parameters)
    {
        if (template == MessageTemplates.OtpEmail)
        {
            return RenderOtpEmail(parameters);
        }
        if (template == MessageTemplates.DecisionEmail)
        {
            return RenderDecisionEmail(parameters);
        }
        if (template != MessageTemplates.DeclarationEmail)
        {
            throw new ArgumentException($"Unknown email template {template}.", nameof(template));
        }
        const string subject = "Tờ khai đăng ký giao dịch điện tử BHXH — hồ sơ {applicationNumber}";
        const string text = """
            Kính gửi {fullName},

            Hồ sơ đăng ký tài khoản giao dịch điện tử VssID số {applicationNumber} đã được gửi tới {officeName}.
            Tờ khai (Mẫu số 01) được đính kèm thư này. Vui lòng kiểm tra lại thông tin, in và ký khi được yêu cầu.

            Trân trọng,
            VssID — Bảo hiểm xã hội số
            """;
        const string html = """
            <!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Tờ khai Mẫu số 01</title></head>
            <body style="font-family:Arial,Helvetica,sans-serif">
            <p>Kính gửi <strong>{fullName}</strong>,</p>
            <p>Hồ sơ đăng ký tài khoản giao dịch điện tử VssID số <strong>{applicationNumber}</strong> đã được gửi tới {officeName}.</p>
            <p>Tờ khai (Mẫu số 01) được đính kèm thư này. Vui lòng kiểm tra lại thông tin, in và ký khi được yêu cầu.</p>
            <p>Trân trọng,<br>VssID — Bảo hiểm xã hội số</p>
            </body></html>
            """;
        var body = Fill(text, parameters, encode: false);
        return new RenderedMessage(Fill(subject, parameters, encode: false), body, Fill(html, parameters, encode: true), body, false);
    }

    private static RenderedMessage RenderDecisionEmail(IReadOnlyDictionary<string, string> parameters)
    {
        const string subject = "VssID — hồ sơ {applicationNumber}: {decision}";
        const string text = """
            Kính gửi {fullName},

            Hồ sơ đăng ký tài khoản giao dịch điện tử VssID số {applicationNumber}: {decision}.
            Lý do: {reason}
            {next}

            Trân trọng,
            VssID — Bảo hiểm xã hội số
            """;
        const string html = """
            <!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Hồ sơ {applicationNumber}</title></head>
            <body style="font-family:Arial,Helvetica,sans-serif">
            <p>Kính gửi <strong>{fullName}</strong>,</p>
            <p>Hồ sơ đăng ký tài khoản giao dịch điện tử VssID số <strong>{applicationNumber}</strong>: {decision}.</p>
            <p>Lý do: {reason}</p>
            <p>{next}</p>
            <p>Trân trọng,<br>VssID — Bảo hiểm xã hội số</p>
            </body></html>
            """;
        var body = Fill(text, parameters, encode: false);
        return new RenderedMessage(Fill(subject, parameters, encode: false), body, Fill(html, parameters, encode: true), body, false);
    }

    // The code is a secret: the delivery log keeps the redacted copy once sent.
    private static RenderedMessage RenderOtpEmail(IReadOnlyDictionary<string, string> parameters)
    {
        const string subject = "VssID — mã xác thực";
        const string text = """
            VssID — Bảo hiểm xã hội số

            Mã xác thực của bạn là {code}. Mã có hiệu lực {minutes} phút.
            Không chia sẻ mã này cho bất kỳ ai, kể cả người tự xưng là cán bộ BHXH.
            Nếu bạn không yêu cầu mã này, hãy bỏ qua thư.
            """;
        const string html = """
            <!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>Mã xác thực VssID</title></head>
            <body style="font-family:Arial,Helvetica,sans-serif">
            <p>Mã xác thực của bạn là <strong>{code}</strong>. Mã có hiệu lực {minutes} phút.</p>
            <p>Không chia sẻ mã này cho bất kỳ ai, kể cả người tự xưng là cán bộ BHXH. Nếu bạn không yêu cầu mã này, hãy bỏ qua thư.</p>
            <p>VssID — Bảo hiểm xã hội số</p>
            </body></html>
            """;
        var redacted = parameters.ToDictionary(p => p.Key, p => p.Key == "code" ? "******" : p.Value);
        return new RenderedMessage(subject, Fill(text, parameters, encode: false), Fill(html, parameters, encode: true), Fill(text, redacted, encode: false), true);
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> parameters, bool encode)
    {
        foreach (var (key, value) in parameters)
        {
            var normalized = value.Normalize(System.Text.NormalizationForm.FormC);
            text = text.Replace("{" + key + "}", encode ? WebUtility.HtmlEncode(normalized) : normalized, StringComparison.Ordinal);
        }
        return text;
    }
}

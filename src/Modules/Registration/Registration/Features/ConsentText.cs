namespace VssId.Modules.Registration.Features;

/// <summary>
/// The text an applicant consents to before their data is processed, by version: an application records the version
/// it was given, so the exact words stay known after the text changes (a new version is added, never edited).
/// </summary>
public static class ConsentText
{
    public const string Current = "2026-01";

    /// <summary>Where an app shows it; <c>api</c> when the request names none (the integrating app is answerable for showing it).</summary>
    public static readonly string[] Channels = ["app", "web", "kiosk", "api"];

    public static readonly IReadOnlyDictionary<string, (string Vi, string En)> Versions = new Dictionary<string, (string, string)>
    {
        [Current] = (
            "Tôi đồng ý để Bảo hiểm xã hội Việt Nam xử lý các dữ liệu cá nhân tôi khai trong hồ sơ này (họ tên, ngày sinh, giới tính, mã số BHXH, "
            + "số giấy tờ tùy thân, địa chỉ, số điện thoại, email, ảnh chân dung và ảnh giấy tờ) để xét duyệt và cấp tài khoản VssID, theo Nghị định "
            + "13/2023/NĐ-CP và Luật Bảo vệ dữ liệu cá nhân. Dữ liệu chỉ dùng cho mục đích này; hồ sơ nháp và ảnh của hồ sơ không được gửi sẽ bị xóa "
            + "sau thời hạn đã công bố. Tôi có quyền biết ai đã xem dữ liệu của mình, yêu cầu sửa hoặc xóa, và rút lại sự đồng ý.",
            "I consent to Vietnam Social Security processing the personal data I declare in this application (name, date of birth, gender, "
            + "BHXH code, identity document number, address, phone, email, portrait and document photos) to review it and issue a VssID "
            + "account, under Decree 13/2023/ND-CP and the Personal Data Protection Law. The data is used for this purpose only; drafts and "
            + "the photos of applications never submitted are deleted after the published periods. I may know who read my data, ask for "
            + "it to be corrected or erased, and withdraw my consent."),
    };
}

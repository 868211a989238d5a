using System.Collections.Frozen;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference.Catalogs;

/// <summary>
/// The reasons an officer can give. A reason that allows resubmission fits "needs information"
/// (the applicant can fix it); the others fit a rejection. Codes are stable: apps may switch on them.
/// </summary>
internal sealed class RejectionReasons : IRejectionReasonCatalog
{
    public static readonly IReadOnlyList<RejectionReasonInfo> All =
    [
        new("identity.mismatch", "Họ tên, ngày sinh hoặc giới tính không khớp với dữ liệu BHXH.",
            "Name, date of birth or gender does not match the social-insurance records.", true),
        new("identity.document_unreadable", "Ảnh CCCD/CMND/hộ chiếu bị mờ, lóa hoặc không đọc được.",
            "The ID photo is blurred, glared or unreadable.", true),
        new("identity.document_expired", "Giấy tờ tùy thân đã hết hạn.", "The identity document has expired.", true),
        new("portrait.invalid", "Ảnh chân dung không rõ mặt hoặc không phải ảnh của người đăng ký.",
            "The portrait does not clearly show the applicant's face.", true),
        new("address.incomplete", "Địa chỉ liên hệ chưa đầy đủ hoặc không chính xác.",
            "The contact address is incomplete or wrong.", true),
        new("birth_certificate.unreadable", "Ảnh giấy khai sinh của trẻ bị mờ, thiếu hoặc không đọc được.",
            "The child's birth certificate photo is blurred, cut off or unreadable.", true),
        new("guardian.not_entitled", "Người khai không phải cha, mẹ hoặc người giám hộ hợp pháp của trẻ.",
            "The declarant is not the child's parent or lawful guardian.", false),
        new("bhxh_code.not_found", "Mã số BHXH không tồn tại trong cơ sở dữ liệu.",
            "The social-insurance code does not exist in the registry.", false),
        new("bhxh_code.not_owner", "Mã số BHXH không thuộc về người đăng ký.",
            "The social-insurance code does not belong to the applicant.", false),
        new("account.exists", "Mã số BHXH này đã có tài khoản giao dịch điện tử.",
            "An electronic account already exists for this code.", false),
        new("fraud.suspected", "Hồ sơ có dấu hiệu giả mạo; vui lòng liên hệ cơ quan BHXH.",
            "The application appears forged; please contact the office.", false),
        new("other", "Lý do khác (xem ghi chú của cán bộ).", "Other reason (see the officer's note).", true),
    ];

    private static readonly FrozenDictionary<string, RejectionReasonInfo> ByCode = All.ToFrozenDictionary(r => r.Code);

    public RejectionReasonInfo? Find(string code) => ByCode.GetValueOrDefault(code ?? "");
}

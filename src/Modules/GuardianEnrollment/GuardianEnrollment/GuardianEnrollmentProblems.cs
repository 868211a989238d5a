using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.GuardianEnrollment;

/// <summary>Every problem and field error of the guardian-enrolment API; codes are stable.</summary>
public static class GuardianEnrollmentProblems
{
    public static readonly ProblemType CaptchaInvalid = new("captcha.invalid", 400,
        new("Mã kiểm tra không đúng, đã dùng hoặc không thuộc phiên này: hãy lấy mã mới (GET /api/v1/captcha).",
            "The captcha answer is wrong, already used or not yours: fetch a new one (GET /api/v1/captcha)."));

    public static readonly ProblemType CaptchaExpired = new("captcha.expired", 400,
        new("Mã kiểm tra đã hết hạn (5 phút): hãy lấy mã mới.", "The captcha has expired (5 minutes): fetch a new one."));

    public static readonly ProblemType CaptchaRateLimited = new("captcha.rate_limited", 429,
        new("Bạn đã lấy quá nhiều mã kiểm tra; hãy thử lại sau.", "Too many captchas for this account; try again later."));

    public static readonly ProblemType GuardianNotActive = new("enrollment.guardian_not_active", 403,
        new("Tài khoản của người giám hộ chưa hoạt động (cần đổi mật khẩu lần đầu) hoặc đã đóng.",
            "The guardian's account is not active (the first-login password change is pending) or is closed."));

    public static readonly ProblemType ChildHasAccount = new("enrollment.child_has_account", 409,
        new("Mã số BHXH của trẻ đã có tài khoản VssID. Dùng \"Quên mật khẩu\" nếu cần lấy lại mật khẩu.",
            "The child's social-insurance code already has a VssID account. Recover its password if needed."));

    public static readonly ProblemType ChildEnrolled = new("enrollment.child_enrolled", 409,
        new("Trẻ đã có hồ sơ đăng ký đang được xử lý (của bạn hoặc của người giám hộ khác).",
            "The child already has an enrolment being processed (yours or another guardian's)."));

    public static readonly ProblemType ApplicationOpen = new("enrollment.application_open", 409,
        new("Mã số BHXH của trẻ đang có hồ sơ đăng ký của người lớn đang được xử lý.",
            "The child's social-insurance code has an adult application being processed."));

    public static readonly ProblemType TooManyChildren = new("enrollment.too_many_children", 409,
        new("Mỗi người giám hộ đăng ký tối đa 10 trẻ.", "A guardian enrols at most 10 children."));

    public static readonly ProblemType NotEditable = new("enrollment.not_editable", 409,
        new("Hồ sơ của trẻ không còn sửa được ở trạng thái hiện tại.", "The enrolment can no longer be changed in its current state."));

    public static readonly ProblemType BirthCertificateMissing = new("enrollment.birth_certificate_missing", 409,
        new("Chưa có ảnh giấy khai sinh của trẻ (bắt buộc).", "The child's birth certificate photo is missing (it is required)."));

    public static readonly ProblemType NotSubmitted = new("enrollment.not_submitted", 409,
        new("Hồ sơ chưa được ghi nhận nên chưa có tờ khai.", "The enrolment has not been recorded, so there is no declaration yet."));

    public static readonly ProblemType OfficeClosed = new("enrollment.office_closed", 409,
        new("Cơ quan BHXH đã chọn không còn nhận hồ sơ; hãy đăng ký lại với cơ quan khác.",
            "The chosen office no longer takes enrolments; enrol again with another office."));

    public static readonly ProblemType DocumentKindUnknown = new("enrollment.document_kind_unknown", 404,
        new("Loại ảnh phải là birth-certificate hoặc portrait.", "The photo kind must be birth-certificate or portrait."));

    public static readonly ProblemType DocumentTooLarge = new("enrollment.document_too_large", 413,
        new("Ảnh tối đa 5 MB.", "A photo is at most 5 MB."));

    public static readonly ProblemType DocumentNotImage = new("enrollment.document_not_image", 415,
        new("Ảnh phải là JPEG hoặc PNG.", "The photo must be a JPEG or PNG."));

    public static readonly ProblemType DocumentTooSmall = new("enrollment.document_too_small", 400,
        new("Ảnh phải từ 600×400 điểm ảnh trở lên (tối đa 40 megapixel).", "The photo must be at least 600×400 pixels (at most 40 megapixels)."));

    public static readonly FieldError ChildAdult = new("enrollment.child_adult",
        new("Trẻ đã đủ 18 tuổi: hãy tự đăng ký tài khoản (đăng ký người lớn).", "The child is 18 or older: they register for themselves (adult registration)."));

    public static readonly FieldError ChildHasCccd = new("enrollment.child_has_cccd",
        new("Trẻ đã có CCCD: đăng ký theo hồ sơ người lớn (cha mẹ có thể khai thay).",
            "The child has a CCCD: use the adult registration (a parent may fill it in on the child's behalf)."));

    public static readonly FieldError RelationshipInvalid = new("enrollment.relationship_invalid",
        new("Quan hệ là father (cha), mother (mẹ) hoặc guardian (người giám hộ).", "The relationship is father, mother or guardian."));

    public static readonly FieldError GuardianIdMismatch = new("enrollment.guardian_id_mismatch",
        new("Số CCCD của người giám hộ không khớp với CCCD của tài khoản đang đăng nhập.",
            "The guardian's CCCD does not match the CCCD of the logged-in account."));
}

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

    public static readonly ProblemType UploadBudgetUsed = new("enrollment.upload_budget_used", 429,
        new("Hồ sơ đã tải ảnh lên quá nhiều lần trong 24 giờ; vui lòng thử lại sau.", "This enrolment uploaded too many photos in 24 hours; try again later."));

    public static readonly ProblemType DocumentTooSmall = new("enrollment.document_too_small", 400,
        new("Ảnh phải từ 600×400 điểm ảnh trở lên (tối đa 40 megapixel).", "The photo must be at least 600×400 pixels (at most 40 megapixels)."));

    public static readonly ProblemType NotAwaitingConsent = new("enrollment.not_awaiting_consent", 409,
        new("Hồ sơ không chờ sự đồng ý của người giám hộ (đã đồng ý, đã hết hạn hoặc do người giám hộ tự đăng ký).",
            "The enrolment is not waiting for the guardian's consent (already given, expired, or started by the guardian)."));

    public static readonly ProblemType ConsentExpired = new("enrollment.consent_expired", 409,
        new("Đã quá 30 ngày chờ đồng ý: hồ sơ nhà trường gửi đã hết hạn; hãy liên hệ nhà trường.",
            "The 30 days to consent have passed: the school's enrolment has expired; contact the school."));

    public static readonly ProblemType ConsentCodeInvalid = new("otp.invalid", 400,
        new("Mã xác nhận không đúng với số điện thoại này.", "The confirmation code does not match this phone number."));

    public static readonly ProblemType ConsentCodeExpired = new("otp.expired", 400,
        new("Mã xác nhận đã hết hạn (hồ sơ chờ đồng ý quá 30 ngày); hãy liên hệ nhà trường.",
            "The confirmation code has expired (the enrolment waited more than 30 days); contact the school."));

    public static readonly ProblemType ConsentTooManyAttempts = new("otp.too_many_attempts", 429,
        new("Nhập sai mã quá nhiều lần với số điện thoại này; hãy thử lại sau 24 giờ.",
            "Too many wrong codes for this phone number; try again in 24 hours."));

    public static readonly ProblemType RosterTooLarge = new("school.too_many_rows", 413,
        new("Danh sách tối đa 1.000 trẻ mỗi lần gửi; hãy chia nhỏ.", "A roster holds at most 1,000 children per request; split it."));

    public static readonly ProblemType RosterHeaderInvalid = new("school.roster_header_invalid", 400,
        new("Dòng tiêu đề phải có đủ 7 cột: bhxhCode, fullName, dateOfBirth, gender, guardianBhxhCode, guardianPhone, relationship "
            + "(hoặc: Mã số BHXH, Họ và tên, Ngày sinh, Giới tính, Mã số BHXH người giám hộ, Số điện thoại người giám hộ, Quan hệ).",
            "The header row must name the 7 columns: bhxhCode, fullName, dateOfBirth, gender, guardianBhxhCode, guardianPhone, relationship "
            + "(or their Vietnamese names)."));

    public static readonly ProblemType RosterEmpty = new("school.roster_empty", 400,
        new("Danh sách không có trẻ nào.", "The roster has no children."));

    public static readonly ProblemType ClassUnknown = new("school.class_unknown", 404,
        new("Lớp này chưa có hồ sơ nào của trường.", "The school has no enrolments in this class."));

    public static readonly FieldError ClassCodeInvalid = new("school.class_code_invalid",
        new("Mã lớp 1–20 ký tự: chữ, số, khoảng trắng, dấu gạch ngang hoặc gạch dưới (ví dụ 6A1, Mầm 2).",
            "A class code has 1–20 letters, digits, spaces, hyphens or underscores (e.g. 6A1, Mầm 2)."));

    public static readonly FieldError DuplicateChild = new("school.duplicate_child",
        new("Trẻ này xuất hiện hai lần trong danh sách.", "This child appears twice in the roster."));

    public static readonly FieldError GuardianBhxhCodeInvalid = new("school.guardian_bhxh_code_invalid",
        new("Mã số BHXH của người giám hộ gồm 10 chữ số.", "The guardian's social-insurance code has 10 digits."));

    public static readonly FieldError GuardianPhoneInvalid = new("school.guardian_phone_invalid",
        new("Số điện thoại di động của người giám hộ không hợp lệ.", "The guardian's mobile number is not valid."));

    public static readonly FieldError GuardianPhoneTooMany = new("school.guardian_phone_too_many",
        new("Số điện thoại này đã nhận tin nhắn đồng ý cho 10 trẻ đang chờ: không gửi thêm.",
            "This mobile already received consent SMS for 10 children still waiting: no more are sent."));

    public static readonly FieldError GuardianIsChild = new("school.guardian_is_child",
        new("Mã số BHXH của người giám hộ trùng mã số của trẻ.", "The guardian's code is the child's own code."));

    public static readonly FieldError ChildInAnotherClass = new("school.child_in_another_enrollment",
        new("Trẻ đã có hồ sơ đăng ký khác đang chờ hoặc đang xử lý.", "The child already has another enrolment waiting or being processed."));

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

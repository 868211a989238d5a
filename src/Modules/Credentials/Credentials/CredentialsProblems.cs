using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.Credentials;

/// <summary>Every problem and field error the account and administration APIs answer with; codes are stable.</summary>
public static class CredentialsProblems
{
    public static readonly ProblemType WrongPassword = new("account.wrong_password", 400,
        new("Mật khẩu hiện tại không đúng.", "The current password is wrong."));

    public static readonly ProblemType CodeInvalid = new("account.code_invalid", 400,
        new("Mã xác thực không đúng hoặc đã hết hạn.", "The code is wrong or has expired."));

    public static readonly ProblemType SmartOtpNotPending = new("account.smart_otp_not_enrolled", 409,
        new("Chưa đăng ký SmartOTP: hãy gọi POST /api/v1/account/smart-otp trước.", "SmartOTP is not being enrolled: call POST /api/v1/account/smart-otp first."));

    public static readonly ProblemType SmartOtpAlreadyEnabled = new("account.smart_otp_enabled", 409,
        new("SmartOTP đã bật; tắt trước khi đăng ký lại.", "SmartOTP is already enabled; disable it before enrolling again."));

    public static readonly ProblemType SmartOtpNotEnabled = new("account.smart_otp_not_enabled", 409,
        new("SmartOTP chưa bật.", "SmartOTP is not enabled."));

    public static readonly ProblemType UserNameTaken = new("admin.user_name_taken", 409,
        new("Tên đăng nhập này đã được dùng.", "This user name is already taken."));

    public static readonly ProblemType CannotDisableSelf = new("admin.cannot_disable_self", 409,
        new("Không thể tự vô hiệu hóa tài khoản của mình; hãy nhờ một quản trị viên khác.",
            "You cannot disable your own account; ask another administrator."));

    public static readonly ProblemType OtpUnavailable = new("otp.unavailable", 429,
        new("Chưa thể gửi mã mới; vui lòng thử lại sau.", "A new code cannot be sent yet; please try again later."));

    public static readonly FieldError PasswordUnchanged = new("password.unchanged",
        new("Mật khẩu mới phải khác mật khẩu hiện tại.", "The new password must differ from the current one."));

    public static readonly FieldError Required = new("field.required", new("Bắt buộc.", "Required."));

    public static readonly FieldError UserNameInvalid = new("admin.user_name_invalid",
        new("Tên đăng nhập 3–32 ký tự a–z, 0–9, '.', '_' hoặc '-', có ít nhất một chữ cái.",
            "A user name has 3–32 characters a–z, 0–9, '.', '_' or '-', with at least one letter."));

    public static readonly FieldError RoleInvalid = new("admin.role_invalid", new("Vai trò là \"officer\" hoặc \"admin\".", "The role is \"officer\" or \"admin\"."));

    public static readonly FieldError OfficeRequired = new("admin.office_required",
        new("Cán bộ (officer) phải thuộc một cơ quan BHXH đang hoạt động.", "An officer must belong to an active BHXH office."));

    public static readonly FieldError OfficeNotAllowed = new("admin.office_not_allowed",
        new("Quản trị viên không gắn với cơ quan.", "An administrator is not bound to an office."));

    public static readonly FieldError NameInvalid = new("admin.name_invalid", new("Tên 1–100 ký tự.", "A name has 1–100 characters."));

    public static readonly FieldError ScopesInvalid = new("admin.scopes_invalid",
        new("Phạm vi là \"school:enroll\" và/hoặc \"partner\".", "Scopes are \"school:enroll\" and/or \"partner\"."));

    public static readonly FieldError SchoolRequired = new("admin.school_required",
        new("Ứng dụng của trường (school:enroll) cần schoolCode và officeCode.", "A school client (school:enroll) needs a schoolCode and an officeCode."));

    public static readonly FieldError SchoolCodeInvalid = new("admin.school_code_invalid",
        new("Mã trường 3–32 ký tự A–Z, 0–9 hoặc '-'.", "A school code has 3–32 characters A–Z, 0–9 or '-'."));

    public static readonly FieldError ChannelInvalid = new("account.channel_invalid", new("Kênh là \"sms\" hoặc \"email\".", "The channel is \"sms\" or \"email\"."));

    public static readonly FieldError BhxhCodeInvalid = new("account.bhxh_code_invalid", new("Mã số BHXH gồm 10 chữ số.", "A social-insurance code has 10 digits."));

    public static readonly FieldError CodeFormat = new("account.code_format", new("Mã gồm 6 chữ số.", "The code has 6 digits."));
}

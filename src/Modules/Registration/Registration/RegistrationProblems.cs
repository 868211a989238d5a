using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Formats;

namespace VssId.Modules.Registration;

/// <summary>Every problem and field error the registration API answers with; codes are stable.</summary>
public static class RegistrationProblems
{
    public static readonly ProblemType ApplicationOpen = new("registration.application_open", 409,
        new("Mã số BHXH này đã có hồ sơ đang được xử lý. Tra cứu tình trạng hồ sơ bằng mã số BHXH và số điện thoại.",
            "An application for this social-insurance code is already being processed. Look it up with the code and phone."));

    public static readonly ProblemType AccountExists = new("registration.account_exists", 409,
        new("Mã số BHXH này đã có tài khoản VssID. Nếu quên mật khẩu, hãy dùng chức năng \"Quên mật khẩu\" để lấy lại.",
            "This social-insurance code already has a VssID account. If you forgot the password, recover it with \"Forgot password\"."));

    public static readonly ProblemType TooManyDrafts = new("registration.too_many_drafts", 429,
        new("Số điện thoại này đã xác thực cho 3 hồ sơ nháp đang mở. Hãy hoàn tất hoặc rút bớt hồ sơ.",
            "This phone is already verified for 3 open drafts. Finish or withdraw one first."));

    public static readonly ProblemType BhxhCodeImmutable = new("registration.bhxh_code_immutable", 409,
        new("Không thể đổi mã số BHXH của hồ sơ; hãy tạo hồ sơ mới.", "The social-insurance code of an application cannot change; start a new one."));

    public static readonly ProblemType NotEditable = new("registration.not_editable", 409,
        new("Hồ sơ không còn sửa được ở trạng thái hiện tại.", "The application can no longer be changed in its current state."));

    public static readonly ProblemType PhoneNotVerified = new("registration.phone_not_verified", 409,
        new("Chưa xác thực số điện thoại: hãy nhập mã OTP được gửi tới số điện thoại.", "The phone is not verified yet: enter the OTP sent to it."));

    public static readonly ProblemType DocumentsMissing = new("registration.documents_missing", 409,
        new("Chưa đủ ảnh: cần ảnh chân dung, mặt trước và mặt sau giấy tờ tùy thân.", "Photos are missing: portrait, ID front and ID back are required."));

    public static readonly ProblemType NotSubmitted = new("registration.not_submitted", 409,
        new("Hồ sơ chưa được gửi nên chưa có tờ khai.", "The application has not been submitted, so there is no declaration yet."));

    public static readonly ProblemType OtpInvalid = new("otp.invalid", 400,
        new("Mã OTP không đúng.", "The OTP is wrong."));

    public static readonly ProblemType OtpExpired = new("otp.expired", 400,
        new("Mã OTP đã hết hạn; hãy yêu cầu mã mới.", "The OTP has expired; ask for a new one."));

    public static readonly ProblemType OtpTooManyAttempts = new("otp.too_many_attempts", 429,
        new("Nhập sai mã OTP quá nhiều lần; hãy yêu cầu mã mới.", "Too many wrong OTPs; ask for a new one."));

    public static readonly ProblemType AccessTokenExpired = new("registration.token_expired", 401,
        new("Mã truy cập hồ sơ đã hết hiệu lực (hồ sơ đã có quyết định, hoặc 30 ngày không dùng). Tra cứu tình trạng bằng mã số BHXH và số điện thoại, hoặc lấy lại quyền truy cập hồ sơ.",
            "The application's access token has ended (the application is decided, or it was not used for 30 days). Look up the status with the BHXH code and phone, or resume the application."));

    public static readonly ProblemType UploadBudgetUsed = new("document.upload_budget_used", 429,
        new("Hồ sơ đã tải ảnh lên quá nhiều lần trong 24 giờ; vui lòng thử lại sau.", "This application uploaded too many photos in 24 hours; try again later."));

    public static readonly ProblemType OtpTooSoon = new("otp.too_soon", 429,
        new("Vui lòng chờ trước khi yêu cầu mã OTP mới.", "Please wait before asking for a new OTP."));

    public static readonly ProblemType OtpTooMany = new("otp.too_many_sends", 429,
        new("Đã gửi quá nhiều mã OTP trong một giờ; vui lòng thử lại sau.", "Too many OTPs were sent this hour; try again later."));

    public static readonly ProblemType SmsUnavailable = new("otp.unavailable", 503,
        new("Hệ thống tạm ngừng gửi SMS; vui lòng thử lại sau.", "SMS sending is paused; please try again later."));

    public static readonly ProblemType DocumentTooLarge = new("document.too_large", 413,
        new("Ảnh vượt quá 5 MB.", "The image is larger than 5 MB."));

    public static readonly ProblemType DocumentNotImage = new("document.unsupported_type", 415,
        new("Chỉ nhận ảnh JPEG hoặc PNG.", "Only JPEG or PNG images are accepted."));

    public static readonly ProblemType DocumentTooSmall = new("document.too_small", 400,
        new("Ảnh phải có kích thước tối thiểu 600×400 điểm ảnh và tối đa 40 megapixel.", "The image must be at least 600×400 pixels and at most 40 megapixels."));

    public static readonly ProblemType DocumentKindUnknown = new("document.kind_unknown", 404,
        new("Loại ảnh phải là portrait, id-front hoặc id-back.", "The photo kind must be portrait, id-front or id-back."));

    public static readonly ProblemType PreconditionFailed = new("request.precondition_failed", 412,
        new("Hồ sơ đã thay đổi từ lần bạn đọc (If-Match không khớp); hãy tải lại.", "The application changed since you read it (If-Match does not match); reload it."));

    public static readonly ProblemType QrInvalid = new("qr.invalid", 400,
        new("Không đọc được mã QR.", "The QR payload could not be read."));

    // Field errors.
    public static readonly FieldError BhxhCodeInvalid = PersonFieldErrors.BhxhCodeInvalid;

    public static readonly FieldError FullNameInvalid = PersonFieldErrors.FullNameInvalid;

    public static readonly FieldError DateOfBirthInvalid = PersonFieldErrors.DateOfBirthInvalid;

    public static readonly FieldError GenderInvalid = PersonFieldErrors.GenderInvalid;

    public static readonly FieldError DocumentTypeInvalid = new("registration.identity_type_invalid",
        new("Loại giấy tờ là CCCD, CMND hoặc Passport.", "The document type is CCCD, CMND or Passport."));

    public static readonly FieldError CccdInvalid = new("registration.cccd_invalid",
        new("Số CCCD gồm đúng 12 chữ số với mã tỉnh hợp lệ.", "A CCCD number is exactly 12 digits with a valid province code."));

    public static readonly FieldError CccdMismatch = new("registration.cccd_mismatch",
        new("Số CCCD không khớp với năm sinh và giới tính đã khai.", "The CCCD number does not match the declared year of birth and gender."));

    public static readonly FieldError CmndInvalid = new("registration.cmnd_invalid",
        new("Số CMND gồm 9 hoặc 12 chữ số.", "A CMND number is 9 or 12 digits."));

    public static readonly FieldError PassportInvalid = new("registration.passport_invalid",
        new("Hộ chiếu Việt Nam: 1 chữ cái in hoa và 7 chữ số; hộ chiếu nước ngoài: 6–9 chữ hoặc số kèm quốc tịch (mã ISO 2 chữ).",
            "Vietnamese passport: one capital letter and 7 digits; foreign passport: 6–9 letters or digits with a nationality (ISO alpha-2)."));

    public static readonly FieldError PhoneInvalid = new("registration.phone_invalid",
        new("Số điện thoại di động Việt Nam không hợp lệ.", "Not a valid Vietnamese mobile number."));

    public static readonly FieldError EmailInvalid = new("registration.email_invalid",
        new("Địa chỉ email không hợp lệ.", "Not a valid email address."));

    public static readonly FieldError StreetInvalid = PersonFieldErrors.StreetInvalid;

    public static readonly FieldError Required = PersonFieldErrors.Required;

    public static readonly FieldError OfficeUnknown = PersonFieldErrors.OfficeUnknown;

    public static readonly FieldError EmailRequired = new("registration.email_required",
        new("Cần khai báo email để nhận tờ khai qua email.", "An email is needed to receive the declaration by email."));

    public static readonly FieldError CodeInvalid = new("otp.format_invalid",
        new("Mã OTP gồm 6 chữ số.", "The OTP is 6 digits."));
}

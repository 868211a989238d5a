using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Formats;

/// <summary>
/// The field errors of <see cref="PersonFormats"/>, one text per code wherever a person is declared (an adult's
/// application, a child's enrolment, a school's roster row). The codes are stable (they keep the prefix of the
/// module that first answered them).
/// </summary>
public static class PersonFieldErrors
{
    public static readonly FieldError BhxhCodeInvalid = new("registration.bhxh_code_invalid",
        new("Mã số BHXH gồm đúng 10 chữ số (hoặc mã thẻ BHYT 15 ký tự có 10 số cuối là mã số BHXH).",
            "The social-insurance code is exactly 10 digits (or a 15-character health-insurance card code ending in it)."));

    public static readonly FieldError FullNameInvalid = new("registration.full_name_invalid",
        new("Họ và tên gồm 2–100 ký tự: chữ cái (có dấu), khoảng trắng, dấu nháy đơn, gạch nối, dấu chấm.",
            "The full name is 2–100 characters: letters (with diacritics), spaces, apostrophes, hyphens and periods."));

    public static readonly FieldError DateOfBirthInvalid = new("registration.date_of_birth_invalid",
        new("Ngày sinh phải là ngày có thật, không ở tương lai và không trước năm 1900.", "The date of birth must be a real date, not in the future and not before 1900."));

    public static readonly FieldError GenderInvalid = new("registration.gender_invalid",
        new("Giới tính là \"Nam\" hoặc \"Nữ\".", "The gender is \"Nam\" or \"Nữ\"."));

    public static readonly FieldError StreetInvalid = new("registration.street_invalid",
        new("Số nhà, tên đường gồm 1–200 ký tự.", "The street line is 1–200 characters."));

    public static readonly FieldError Required = new("request.required", new("Bắt buộc.", "Required."));

    public static readonly FieldError OfficeUnknown = new("registration.office_unknown",
        new("Cơ quan BHXH tiếp nhận không có trong danh mục.", "The receiving office is not in the catalog."));
}

using System.Text.Json.Serialization;
using System.ComponentModel.DataAnnotations;
using VssId.BuildingBlocks.OpenApi;
using System.Globalization;
using System.Net.Mail;
using System.Text;
using System.Text.RegularExpressions;
using VssId.BuildingBlocks.Formats;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Time;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features;

/// <summary>
/// The declaration as an app sends it. The contract marks what must be sent (<c>required</c>); the types
/// stay nullable so that a missing field is a field error listed with all the others, not a parse error.
/// </summary>
public sealed record DeclarationRequest(
    [property: Required, RegularExpression(ContractFormats.BhxhCodeInput)] string? BhxhCode,
    [property: Required, MinLength(2), MaxLength(100)] string? FullName,
    [property: Required] DateOnly? DateOfBirth,
    [property: Required, AllowedValues(ContractFormats.Male, ContractFormats.Female)] string? Gender,
    [property: Required] IdentityDocumentRequest? IdentityDocument,
    [property: Required] AddressRequest? Address,
    [property: Required, RegularExpression(ContractFormats.PhoneInput)] string? Phone,
    [property: MaxLength(254), EmailAddress] string? Email)
{
    /// <summary>The consent given with the declaration (read when a draft starts; an edit does not change it).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConsentRequest? Consent { get; init; }
}

/// <summary>
/// Which consent text the applicant accepted (<c>GET /api/v1/consent-text</c>) and where. Without it, the current
/// text and channel <c>api</c> are recorded: the integrating app is answerable for having shown it.
/// </summary>
public sealed record ConsentRequest(
    [property: AllowedValues(ConsentText.Current)] string? TextVersion,
    [property: AllowedValues("app", "web", "kiosk", "api")] string? Channel);

/// <summary>CCCD (12 digits), CMND (9 or 12 digits) or passport; <c>nationality</c> (ISO 3166 alpha-2) for a foreign passport.</summary>
public sealed record IdentityDocumentRequest(
    [property: Required, AllowedValues(IdentityDocumentTypes.Cccd, IdentityDocumentTypes.Cmnd, IdentityDocumentTypes.Passport)] string? Type,
    [property: Required, RegularExpression("^\\s*[0-9A-Za-z]{6,12}\\s*$")] string? Number,
    [property: RegularExpression("^[A-Za-z]{2}$")] string? Nationality);

/// <summary>An address coded against a catalog: <c>districtCode</c> only in the legacy (three-level) one.</summary>
public sealed record AddressRequest(
    [property: AllowedValues(AddressCatalogs.Current, AddressCatalogs.Legacy)] string? Catalog,
    [property: Required, MaxLength(10)] string? ProvinceCode,
    [property: MaxLength(10)] string? DistrictCode,
    [property: Required, MaxLength(10)] string? WardCode,
    [property: Required, MinLength(1), MaxLength(200)] string? Street);

/// <summary>
/// Turns a request into a valid, normalised <see cref="Declaration"/> (formats.md), or throws one 400
/// problem listing every field error. Text is trimmed and NFC; the phone becomes 0 + 9 digits.
/// </summary>
public static partial class DeclarationInput
{
    public static Declaration Normalise(DeclarationRequest? request, IAddressCatalog catalog, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        request ??= new DeclarationRequest(null, null, null, null, null, null, null, null);

        var bhxhCode = PersonFormats.BhxhCode(request.BhxhCode);
        if (bhxhCode is null)
        {
            errors.Add("bhxhCode", RegistrationProblems.BhxhCodeInvalid);
        }
        var fullName = PersonFormats.FullName(request.FullName);
        if (fullName is null)
        {
            errors.Add("fullName", RegistrationProblems.FullNameInvalid);
        }
        var today = VietnamTime.DateOf(now);
        if (request.DateOfBirth is not { } dateOfBirth || dateOfBirth.Year < 1900 || dateOfBirth > today)
        {
            errors.Add("dateOfBirth", RegistrationProblems.DateOfBirthInvalid);
            dateOfBirth = default;
        }
        var gender = Text(request.Gender);
        if (gender is not ("Nam" or "Nữ"))
        {
            errors.Add("gender", RegistrationProblems.GenderInvalid);
        }
        var identity = NormaliseIdentity(request.IdentityDocument, dateOfBirth, gender, catalog, errors);
        var address = NormaliseAddress(request.Address, catalog, errors);
        var phone = PersonFormats.Mobile(request.Phone);
        if (phone is null)
        {
            errors.Add("phone", RegistrationProblems.PhoneInvalid);
        }
        var email = Text(request.Email);
        if (email is { Length: 0 })
        {
            email = null;
        }
        if (email is not null && !IsEmail(email))
        {
            errors.Add("email", RegistrationProblems.EmailInvalid);
        }
        errors.ThrowIfAny();
        return new Declaration(bhxhCode!, fullName!, dateOfBirth, gender!, identity!, address!, phone!, email);
    }

    private static IdentityDocument? NormaliseIdentity(IdentityDocumentRequest? request, DateOnly dateOfBirth, string? gender,
        IAddressCatalog catalog, FieldErrors errors)
    {
        var type = Text(request?.Type);
        var number = Text(request?.Number)?.ToUpperInvariant().Replace(" ", "", StringComparison.Ordinal);
        var nationality = Text(request?.Nationality)?.ToUpperInvariant();
        switch (type)
        {
            case IdentityDocumentTypes.Cccd:
                return CheckCccd(number, dateOfBirth, gender, catalog, "identityDocument.number", errors) ? new IdentityDocument(type, number!, null) : null;
            case IdentityDocumentTypes.Cmnd:
                if (number is not null && NineDigits().IsMatch(number))
                {
                    return new IdentityDocument(type, number, null);
                }
                if (number is not null && number.Length == 12)
                {
                    return CheckCccd(number, dateOfBirth, gender, catalog, "identityDocument.number", errors) ? new IdentityDocument(type, number, null) : null;
                }
                errors.Add("identityDocument.number", RegistrationProblems.CmndInvalid);
                return null;
            case IdentityDocumentTypes.Passport:
                var vietnamese = (nationality is null or "VN") && number is not null && VietnamesePassport().IsMatch(number);
                var foreign = nationality is { Length: 2 } && nationality != "VN" && IsoAlpha2().IsMatch(nationality) && number is not null && ForeignPassport().IsMatch(number);
                if (vietnamese || foreign)
                {
                    return new IdentityDocument(type, number!, vietnamese ? "VN" : nationality);
                }
                errors.Add("identityDocument.number", RegistrationProblems.PassportInvalid);
                return null;
            default:
                errors.Add("identityDocument.type", RegistrationProblems.DocumentTypeInvalid);
                return null;
        }
    }

    /// <summary>
    /// CCCD: digits 1–3 a real province code, digit 4 century and gender (0/1 1900s male/female, 2/3 2000s,
    /// 4/5 2100s), digits 5–6 the last two digits of the birth year.
    /// </summary>
    public static bool CheckCccd(string? number, DateOnly dateOfBirth, string? gender, IAddressCatalog catalog, string field,
        FieldErrors errors)
    {
        if (number is null || !TwelveDigits().IsMatch(number) || number[0] != '0' || !catalog.IsLegacyProvinceCode(number[1..3]))
        {
            errors.Add(field, RegistrationProblems.CccdInvalid);
            return false;
        }
        if (dateOfBirth == default || gender is not ("Nam" or "Nữ"))
        {
            return true; // the date or gender is already reported; nothing to compare with
        }
        var centuryDigit = number[3] - '0';
        var century = 1900 + (centuryDigit / 2 * 100);
        var female = centuryDigit % 2 == 1;
        var year = century + int.Parse(number.AsSpan(4, 2), CultureInfo.InvariantCulture);
        if (centuryDigit > 5 || year != dateOfBirth.Year || female != (gender == "Nữ"))
        {
            errors.Add(field, RegistrationProblems.CccdMismatch);
            return false;
        }
        return true;
    }

    private static Address? NormaliseAddress(AddressRequest? request, IAddressCatalog catalog, FieldErrors errors)
    {
        if (request is null)
        {
            errors.Add("address", RegistrationProblems.Required);
            return null;
        }
        var street = PersonFormats.Text(request.Street);
        var streetValid = street is { Length: >= 1 and <= 200 };
        if (!streetValid)
        {
            errors.Add("address.street", RegistrationProblems.StreetInvalid);
        }
        var catalogName = PersonFormats.Text(request.Catalog) ?? AddressCatalogs.Current;
        var district = PersonFormats.Text(request.DistrictCode);
        var resolution = catalog.Resolve(new AddressCodes(catalogName, PersonFormats.Text(request.ProvinceCode) ?? "", string.IsNullOrEmpty(district) ? null : district,
            PersonFormats.Text(request.WardCode) ?? ""));
        if (!resolution.IsValid)
        {
            errors.Add($"address.{resolution.ErrorField}", AddressErrors.For(resolution.ErrorCode!));
            return null;
        }
        var a = resolution.Address!;
        return streetValid
            ? new Address(a.Catalog, a.ProvinceCode, a.DistrictCode, a.WardCode, street!, a.Catalog == AddressCatalogs.Legacy ? a.Mapped2025WardCode : null)
            : null;
    }

    private static bool IsEmail(string email)
    {
        if (email.Length > 254 || email.Contains(' ', StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            var parsed = new MailAddress(email);
            return parsed.Address == email && parsed.Host.Contains('.', StringComparison.Ordinal);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static string? Text(string? value) => PersonFormats.Text(value);

    public static string? NormaliseBhxhCode(string? value) => PersonFormats.BhxhCode(value);

    public static string? NormalisePhone(string? value) => PersonFormats.Mobile(value);



    [GeneratedRegex("^[0-9]{9}$")]
    private static partial Regex NineDigits();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex("^[A-Z][0-9]{7}$")]
    private static partial Regex VietnamesePassport();

    [GeneratedRegex("^[A-Z0-9]{6,9}$")]
    private static partial Regex ForeignPassport();

    [GeneratedRegex("^[A-Z]{2}$")]
    private static partial Regex IsoAlpha2();


}

/// <summary>Texts for the Reference catalog's address error codes.</summary>
public static class AddressErrors
{
    public static FieldError For(string code)
    {
        var (vi, en) = AddressErrorTexts.For(code);
        return new(code, new(vi, en));
    }
}

/// <summary>The Vietnamese declaration shown as the example of every endpoint that takes one.</summary>
internal static class RegistrationExamples
{
    public static readonly DeclarationRequest Declaration = new("0120169123", "Nguyễn Văn An", new DateOnly(1990, 3, 15), "Nam",
        new IdentityDocumentRequest("CCCD", "001090001234", null),
        new AddressRequest("legacy", "01", "021", "00613", "Số 12 ngõ 34 đường Phạm Văn Đồng"), "+84 352 153 123", "an.nguyen@example.vn")
    {
        Consent = new ConsentRequest(ConsentText.Current, "app"),
    };
}

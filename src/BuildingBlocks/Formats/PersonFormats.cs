using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PhoneNumbers;

namespace VssId.BuildingBlocks.Formats;

/// <summary>
/// The person fields of <c>formats.md</c> every module that takes a declaration reads the same way (an adult's
/// application, a guardian's enrolment, a school's roster): text trimmed and NFC, mã số BHXH as 10 digits,
/// a mobile as 0 + 9 digits, a name of letters. Each returns null when the value is not valid.
/// </summary>
public static partial class PersonFormats
{
    private static readonly PhoneNumberUtil Phones = PhoneNumberUtil.GetInstance();

    /// <summary>Trimmed and NFC (a decomposed "Nguyễn" from a Mac keyboard is the same name).</summary>
    public static string? Text(string? value) => value?.Normalize(NormalizationForm.FormC).Trim();

    /// <summary>10 digits, or the 15-character BHYT card code whose last 10 characters are digits.</summary>
    public static string? BhxhCode(string? value)
    {
        var code = Text(value)?.ToUpperInvariant();
        if (code is null)
        {
            return null;
        }
        if (TenDigits().IsMatch(code))
        {
            return code;
        }
        return BhytCard().IsMatch(code) ? code[^10..] : null;
    }

    /// <summary>A Vietnamese mobile in any usual writing (+84…, 84…, 0…, spaces, dots) as 0 + 9 digits.</summary>
    public static string? Mobile(string? value)
    {
        var raw = Text(value);
        if (string.IsNullOrEmpty(raw) || raw.Length > 20)
        {
            return null;
        }
        try
        {
            var number = Phones.Parse(raw.Replace(".", " ", StringComparison.Ordinal), "VN");
            // A number whose type is MOBILE is valid (the type is what validity is decided by): one pass over the metadata, not two.
            if (number.CountryCode != 84 || Phones.GetNumberType(number) != PhoneNumberType.MOBILE)
            {
                return null;
            }
            var national = number.NationalNumber.ToString(CultureInfo.InvariantCulture);
            return national.Length == 9 ? "0" + national : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>2–100 characters of letters, spaces, apostrophes, dots and hyphens, inner spaces collapsed.</summary>
    public static string? FullName(string? value)
    {
        var name = Text(value);
        if (name is null)
        {
            return null;
        }
        name = Spaces().Replace(name, " ");
        return name.Length is >= 2 and <= 100 && NameCharacters().IsMatch(name) && name.Count(char.IsLetter) >= 2 ? name : null;
    }

    /// <summary>A CCCD number: 12 digits (its province and birth-year digits are checked against a declaration elsewhere).</summary>
    public static bool IsTwelveDigits(string? value) => value is not null && TwelveDigits().IsMatch(value);

    [GeneratedRegex("^[0-9]{10}$")]
    private static partial Regex TenDigits();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex TwelveDigits();

    [GeneratedRegex("^[A-Z]{2}[1-5][0-9]{2}[0-9]{10}$")]
    private static partial Regex BhytCard();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"^[\p{L}\p{M}][\p{L}\p{M} '’.\-]*$")]
    private static partial Regex NameCharacters();
}

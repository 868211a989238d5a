using System.Reflection;
using System.Text;
using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.Credentials.Security;

/// <summary>
/// The password rules of <c>product.md</c>: at least 8 characters, not the user name, not a common password
/// (SecLists' most common passwords and Vietnamese favourites, shipped with their licence in Security/Data).
/// </summary>
public static class PasswordPolicy
{
    public const int MinLength = 8;
    public const int MaxLength = 128;

    private static readonly HashSet<string> Common = Load();

    public static readonly FieldError TooShort = new("password.too_short",
        new("Mật khẩu phải có ít nhất 8 ký tự.", "The password must have at least 8 characters."));

    public static readonly FieldError TooLong = new("password.too_long",
        new("Mật khẩu dài tối đa 128 ký tự.", "The password may have at most 128 characters."));

    public static readonly FieldError SameAsUserName = new("password.same_as_user_name",
        new("Mật khẩu không được trùng tên đăng nhập.", "The password must not be the user name."));

    public static readonly FieldError TooCommon = new("password.too_common",
        new("Mật khẩu này quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác.", "This password is too common and easy to guess; choose another."));

    /// <summary>The rule <paramref name="password"/> breaks, or null.</summary>
    public static FieldError? Check(string password, string userName)
    {
        var normalized = password.Normalize(NormalizationForm.FormC);
        if (normalized.Length < MinLength)
        {
            return TooShort;
        }
        if (normalized.Length > MaxLength)
        {
            return TooLong;
        }
        if (normalized.Contains(userName, StringComparison.OrdinalIgnoreCase))
        {
            return SameAsUserName;
        }
        return Common.Contains(normalized.ToLowerInvariant()) ? TooCommon : null;
    }

    private static HashSet<string> Load()
    {
        var assembly = typeof(PasswordPolicy).Assembly;
        var words = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("passwords/", StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            while (reader.ReadLine() is { } line)
            {
                if (line.Trim() is { Length: > 0 } word)
                {
                    words.Add(word.ToLowerInvariant());
                }
            }
        }
        return words;
    }
}

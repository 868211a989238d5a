using System.Security.Claims;
using VssId.BuildingBlocks.Audit;
using System.Text.RegularExpressions;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.GuardianEnrollment.Features;

/// <summary>What every school endpoint shares: the client reaches only its own school, and how a class is named.</summary>
internal static partial class SchoolRules
{
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
    public const string Tag = "Trường học · Schools";
    // Letters with Vietnamese diacritics (À–ỹ) as kindergartens name classes ("Mầm 1", "Lá 2"); an ECMA regex without \p{L}, as clients read it.
    public const string ClassCodePattern = "^[0-9A-Za-zÀ-ỹ][0-9A-Za-zÀ-ỹ _-]{0,19}$";

    [GeneratedRegex(ClassCodePattern)]
    public static partial Regex ClassCode();

    /// <summary>The school of the route when it is the client's own; any other (existing or not) is 404, as if it had no enrolments.</summary>
    public static string School(ClaimsPrincipal user, string schoolCode) =>
        user.School() is { } own && string.Equals(own, schoolCode, StringComparison.Ordinal) ? own : throw new ProblemException(CommonProblems.NotFound);

    /// <summary>A school client's read of the people named by <paramref name="subjects"/> (mã số BHXH), for the access log.</summary>
    public static IReadOnlyCollection<PersonalDataRead> Reads(ClaimsPrincipal user, string school, string what, string? classCode, IEnumerable<string?> subjects) =>
        subjects.OfType<string>().Where(s => s.Length > 0).Distinct()
            .Select(subject => new PersonalDataRead(subject, "school", user.Subject(), school, what, classCode)).ToList();
}

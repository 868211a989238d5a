namespace VssId.Modules.Approval.Contracts;

/// <summary>
/// An office approved an application (an adult's or a child's enrolment): the person gets an account whose
/// user name is <see cref="BhxhCode"/>, and its one-time password goes by SMS to <see cref="Phone"/> (the
/// applicant's verified mobile, or the guardian's for a child). Published at least once: reactions key on
/// <see cref="ApplicationId"/> and the delivery's event id.
/// </summary>
public sealed record ApplicationApprovedV1(
    Guid ApplicationId,
    string BhxhCode,
    string FullName,
    string Phone,
    string? Email,
    string? IdentityNumber,
    string OfficeCode,
    DateTimeOffset ApprovedAt)
{
    /// <summary><see cref="CaseKinds.Adult"/> (an application of Registration) or <see cref="CaseKinds.Child"/> (an enrolment of GuardianEnrollment).</summary>
    public string Kind { get; init; } = CaseKinds.Adult;

    /// <summary>The contact address in words, as declared (kept with the account: a guardian's enrolment defaults to it).</summary>
    public string? AddressLine { get; init; }

    /// <summary>The address's province, short ("Hà Nội").</summary>
    public string? ProvinceName { get; init; }

    /// <summary>A child's case: the mã số BHXH of the guardian whose mobile <see cref="Phone"/> is (null for an adult).</summary>
    public string? GuardianBhxhCode { get; init; }
}

/// <summary>What a review case is about: the kinds the queue filters by (<c>kind=</c>).</summary>
public static class CaseKinds
{
    public const string Adult = "adult";
    public const string Child = "child";
}

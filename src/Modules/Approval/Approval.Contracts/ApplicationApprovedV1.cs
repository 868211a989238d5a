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
    DateTimeOffset ApprovedAt);

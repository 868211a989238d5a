namespace VssId.Modules.GuardianEnrollment.Contracts;

/// <summary>
/// A school's roster row became an enrolment waiting for the guardian's consent: the mobile that receives the
/// consent SMS, the school and class, the child's name as the SMS shows it, and whose they are (the message is blanked if
/// either is erased). Published at least once per enrolment.
/// </summary>
public sealed record ChildEnrollmentAwaitingConsentV1(
    Guid EnrollmentId,
    string SchoolCode,
    string ClassCode,
    string ChildFullName,
    string GuardianPhone,
    DateTimeOffset StartedAt,
    string? ChildBhxhCode = null,
    string? GuardianBhxhCode = null);

namespace VssId.Modules.GuardianEnrollment.Contracts;

/// <summary>
/// A school's roster row became an enrolment waiting for the guardian's consent: the mobile that receives the
/// consent SMS, the school and class, the child's name as the SMS shows it. Published at least once per enrolment.
/// </summary>
public sealed record ChildEnrollmentAwaitingConsentV1(
    Guid EnrollmentId,
    string SchoolCode,
    string ClassCode,
    string ChildFullName,
    string GuardianPhone,
    DateTimeOffset StartedAt);

namespace VssId.Modules.GuardianEnrollment.Contracts;

/// <summary>
/// A guardian's enrolment of a child reached its office's queue ("Ghi nhận"): the child as declared, the
/// guardian (whose mobile and email are the contact), and the documents as file-store keys. Published at least
/// once; <see cref="EnrollmentId"/> with <see cref="ApplicationNumber"/> identifies one submission (a
/// resubmission after "needs information" has a new number).
/// </summary>
public sealed record ChildEnrollmentSubmittedV1(
    Guid EnrollmentId,
    string ApplicationNumber,
    string OfficeCode,
    DateTimeOffset SubmittedAt,
    string BhxhCode,
    string FullName,
    DateOnly DateOfBirth,
    string Gender,
    string AddressLine,
    string ProvinceName,
    EnrollingGuardianV1 Guardian,
    IReadOnlyList<EnrolledDocumentV1> Documents);

/// <summary>The guardian: their account's mã số BHXH and CCCD, how they relate to the child (<c>father</c>, <c>mother</c>, <c>guardian</c>), their contact.</summary>
public sealed record EnrollingGuardianV1(string BhxhCode, string FullName, string IdentityNumber, string Relationship, string Phone, string? Email);

/// <summary>A photo of the enrolment: <c>birth-certificate</c> or <c>portrait</c>, and where it is stored.</summary>
public sealed record EnrolledDocumentV1(string Kind, string StorageKey, string ContentType);

using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Modules.GuardianEnrollment.Features;

/// <summary>The child; once the child was erased their name reads "" and their birth date 0001-01-01.</summary>
public sealed record ChildResponse(
    [property: RegularExpression(ContractFormats.BhxhCode)] string BhxhCode,
    [property: MaxLength(100)] string FullName,
    DateOnly DateOfBirth,
    [property: AllowedValues(ContractFormats.Male, ContractFormats.Female)] string Gender);

public sealed record EnrollmentAddressResponse(string Line, string ProvinceName, bool FromGuardian);

public sealed record EnrollmentDocumentResponse([property: AllowedValues(EnrollmentDocumentKinds.BirthCertificate, EnrollmentDocumentKinds.Portrait)] string Kind);

public sealed record EnrollmentRejectionResponse(string ReasonCode, string Message);

/// <summary>The school and class whose roster started the enrolment (origin school).</summary>
public sealed record EnrollmentSchoolResponse(string SchoolCode, string ClassCode);

/// <summary>A child's enrolment as its guardian sees it; <c>rejection</c> only once a decision gave a reason.</summary>
public sealed record EnrollmentResponse(
    Guid Id,
    [property: AllowedValues(EnrollmentStatus.Draft, EnrollmentStatus.AwaitingGuardianConsent, EnrollmentStatus.Submitted, EnrollmentStatus.UnderReview,
        EnrollmentStatus.Approved, EnrollmentStatus.Rejected, EnrollmentStatus.NeedsInformation,
        EnrollmentStatus.Expired)] string Status,
    ChildResponse Child,
    [property: AllowedValues(Relationships.Father, Relationships.Mother, Relationships.Guardian)] string Relationship,
    EnrollmentAddressResponse Address,
    string OfficeCode,
    IReadOnlyList<EnrollmentDocumentResponse> Documents,
    string? ApplicationNumber,
    DateTimeOffset StartedAt,
    DateTimeOffset? SubmittedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EnrollmentRejectionResponse? Rejection,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] EnrollmentSchoolResponse? School = null)
{
    public static EnrollmentResponse From(Enrollment e) => new(e.Id, e.Status,
        new ChildResponse(e.Child.BhxhCode, e.Child.FullName, e.Child.DateOfBirth, e.Child.Gender), e.Relationship,
        new EnrollmentAddressResponse(e.Address.Line, e.Address.ProvinceName, e.Address.FromGuardian), e.OfficeCode,
        EnrollmentDocumentKinds.All.Where(e.Documents.ContainsKey).Select(k => new EnrollmentDocumentResponse(k)).ToArray(), e.ApplicationNumber, e.StartedAt, e.SubmittedAt,
        e.Reason is { } r && e.Status is EnrollmentStatus.Rejected or EnrollmentStatus.NeedsInformation
            ? new EnrollmentRejectionResponse(r.Code, r.Note is { Length: > 0 } note ? $"{r.Vi} {note}" : r.Vi)
            : null,
        e.School is { } school ? new EnrollmentSchoolResponse(school.SchoolCode, school.ClassCode) : null);

    public static readonly EnrollmentResponse Example = new(Guid.Parse("0193a6b2-8d4e-7f10-a2b3-c4d5e6f70812"), EnrollmentStatus.Submitted,
        new ChildResponse("0116004321", "Nguyễn Minh Khôi", new DateOnly(2016, 9, 5), "Nam"), Relationships.Father,
        new EnrollmentAddressResponse("Số 12 ngõ 34 đường Phạm Văn Đồng, Phường Minh Khai, Quận Bắc Từ Liêm, Thành phố Hà Nội", "Hà Nội", true), "00131",
        [new EnrollmentDocumentResponse(EnrollmentDocumentKinds.BirthCertificate)], "00131-20261202-TE000042", new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 12, 2, 8, 4, 0, TimeSpan.Zero), null);
}

namespace VssId.Modules.Registration.Contracts;

/// <summary>
/// An adult's application reached its office's queue: everything a reviewer needs, documents included
/// (as file-store keys). Published at least once; <see cref="ApplicationId"/> with
/// <see cref="ApplicationNumber"/> identifies one submission (a resubmission has a new number).
/// </summary>
public sealed record ApplicationSubmittedV1(
    Guid ApplicationId,
    string ApplicationNumber,
    string OfficeCode,
    DateTimeOffset SubmittedAt,
    string BhxhCode,
    string FullName,
    DateOnly DateOfBirth,
    string Gender,
    string IdentityDocumentType,
    string IdentityNumber,
    string? Nationality,
    string AddressLine,
    string Phone,
    string? Email,
    IReadOnlyList<SubmittedDocumentV1> Documents)
{
    /// <summary>The applicant asked for the Mẫu 01 by email ("Gửi email tờ khai").</summary>
    public bool DeclarationByEmail { get; init; }

    /// <summary>The province's short name, as printed on the form ("Hà Nội").</summary>
    public string ProvinceName { get; init; } = "";
}

/// <summary>A photo of the application: its kind (portrait, id-front, id-back) and where it is stored.</summary>
public sealed record SubmittedDocumentV1(string Kind, string StorageKey, string ContentType);

using System.Text.Json.Serialization;
using System.ComponentModel.DataAnnotations;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Contracts;
using VssId.BuildingBlocks.Identifiers;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features;

public sealed record DocumentResponse(
    [property: AllowedValues(DocumentKinds.Portrait, DocumentKinds.IdFront, DocumentKinds.IdBack)] string Kind);

public sealed record RejectionResponse(string ReasonCode, string Message);

public sealed record IdentityDocumentResponse(
    [property: AllowedValues(IdentityDocumentTypes.Cccd, IdentityDocumentTypes.Cmnd, IdentityDocumentTypes.Passport)] string Type,
    [property: RegularExpression(ContractFormats.ErasableDocumentNumber)] string Number,
    [property: RegularExpression("^[A-Z]{2}$")] string? Nationality);

/// <summary>The address as declared; <c>mapped2025WardCode</c> is the 2025 ward of a legacy address when the mapping is unambiguous.</summary>
public sealed record AddressResponse(
    [property: AllowedValues(AddressCatalogs.Current, AddressCatalogs.Legacy)] string Catalog,
    string ProvinceCode,
    string? DistrictCode,
    string WardCode,
    [property: MaxLength(200)] string Street,
    string? Mapped2025WardCode);

/// <summary>
/// An application as its applicant sees it; <c>rejection</c> only once a decision gave a reason. Once the person was
/// erased their name, birth date, document number, address line, phone and email read empty ("", 0001-01-01).
/// </summary>
public sealed record ApplicationResponse(
    Guid Id,
    [property: AllowedValues(ApplicationStatus.Draft, ApplicationStatus.Submitted, ApplicationStatus.UnderReview, ApplicationStatus.Approved,
        ApplicationStatus.Rejected, ApplicationStatus.NeedsInformation)] string Status,
    [property: RegularExpression(ContractFormats.BhxhCode)] string BhxhCode,
    [property: MaxLength(100)] string FullName,
    DateOnly DateOfBirth,
    [property: AllowedValues(ContractFormats.Male, ContractFormats.Female)] string Gender,
    IdentityDocumentResponse IdentityDocument,
    AddressResponse Address,
    [property: RegularExpression(ContractFormats.ErasablePhone)] string Phone,
    [property: EmailAddress] string? Email,
    bool PhoneVerified,
    IReadOnlyList<DocumentResponse> Documents,
    string? OfficeCode,
    string? ApplicationNumber,
    DateTimeOffset? SubmittedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RejectionResponse? Rejection,
    long Version)
{
    public static ApplicationResponse From(Application a)
    {
        var d = a.Declaration;
        return new(a.Id, a.Status, d.BhxhCode, d.FullName, d.DateOfBirth, d.Gender,
            new IdentityDocumentResponse(d.IdentityDocument.Type, d.IdentityDocument.Number, d.IdentityDocument.Nationality),
            new AddressResponse(d.Address.Catalog, d.Address.ProvinceCode, d.Address.DistrictCode, d.Address.WardCode, d.Address.Street,
                d.Address.Mapped2025WardCode),
            d.Phone, d.Email is { Length: > 0 } email ? email : null, a.PhoneVerified, DocumentKinds.Required.Where(a.Documents.ContainsKey).Select(k => new DocumentResponse(k)).ToArray(),
            a.OfficeCode, a.ApplicationNumber, a.SubmittedAt,
            a.Reason is { } r && a.Status is ApplicationStatus.Rejected or ApplicationStatus.NeedsInformation
                ? new RejectionResponse(r.Code, r.Note is { Length: > 0 } note ? $"{r.Vi} {note}" : r.Vi)
                : null,
            a.StreamVersion)
        {
            Consent = a.Consent is { } c ? new ConsentResponse(c.TextVersion, c.Channel, c.At) : null,
        };
    }

    /// <summary>The consent recorded when the draft started.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConsentResponse? Consent { get; init; }

    public static readonly ApplicationResponse Example = new(Guid.Parse("0b6f4f8e-2a1c-4c1e-9a53-6f1a2d9c7e11"), "Draft", "0120169123", "Nguyễn Văn An",
        new DateOnly(1990, 3, 15), "Nam", new IdentityDocumentResponse("CCCD", "001090001234", null),
        new AddressResponse("legacy", "01", "021", "00613", "Số 12 ngõ 34 đường Phạm Văn Đồng", null), "0352153123", "an.nguyen@example.vn",
        false, [new DocumentResponse("portrait")], null, null, null, null, 3)
    {
        Consent = new ConsentResponse(ConsentText.Current, "app", new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.FromHours(7))),
    };
}

/// <summary>Which consent text, through which channel, when.</summary>
public sealed record ConsentResponse(string TextVersion, [property: AllowedValues("app", "web", "kiosk", "api")] string Channel, DateTimeOffset At);

/// <summary>The id of the Mẫu 01 of one submission: a redelivered event maps to the same form.</summary>
internal static class DerivedForms
{
    public static Guid DeclarationForm(Guid applicationId, string applicationNumber) => DerivedId.From(applicationId, "mau-01:" + applicationNumber);
}

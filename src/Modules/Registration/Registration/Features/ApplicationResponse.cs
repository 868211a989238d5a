using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features;

public sealed record DocumentResponse(string Kind);

public sealed record RejectionResponse(string ReasonCode, string Message);

/// <summary>An application as its applicant sees it.</summary>
public sealed record ApplicationResponse(
    Guid Id,
    string Status,
    string BhxhCode,
    string FullName,
    DateOnly DateOfBirth,
    string Gender,
    IdentityDocument IdentityDocument,
    Address Address,
    string Phone,
    string? Email,
    bool PhoneVerified,
    IReadOnlyList<DocumentResponse> Documents,
    string? OfficeCode,
    string? ApplicationNumber,
    DateTimeOffset? SubmittedAt,
    RejectionResponse? Rejection,
    long Version)
{
    public static ApplicationResponse From(Application a) => new(a.Id, a.Status, a.Declaration.BhxhCode, a.Declaration.FullName,
        a.Declaration.DateOfBirth, a.Declaration.Gender, a.Declaration.IdentityDocument, a.Declaration.Address, a.Declaration.Phone,
        a.Declaration.Email, a.PhoneVerified, DocumentKinds.Required.Where(a.Documents.ContainsKey).Select(k => new DocumentResponse(k)).ToArray(),
        a.OfficeCode, a.ApplicationNumber, a.SubmittedAt, null, a.StreamVersion);

    public static readonly ApplicationResponse Example = new(Guid.Parse("0b6f4f8e-2a1c-4c1e-9a53-6f1a2d9c7e11"), "Draft", "0120169123", "Nguyễn Văn An",
        new DateOnly(1990, 3, 15), "Nam", new IdentityDocument("CCCD", "079090001234", null),
        new Address("legacy", "01", "021", "00613", "Số 12 ngõ 34 đường Phạm Văn Đồng", null), "0352153123", "an.nguyen@example.vn",
        false, [new DocumentResponse("portrait")], null, null, null, null, 3);
}

/// <summary>Stable ids for effects derived from one cause: a redelivered event maps to the same message or form.</summary>
internal static class DerivedId
{
    public static Guid From(Guid source, string purpose)
    {
        Span<byte> input = stackalloc byte[16 + (purpose.Length * 3)];
        source.TryWriteBytes(input);
        var length = 16 + System.Text.Encoding.UTF8.GetBytes(purpose, input[16..]);
        var hash = System.Security.Cryptography.SHA256.HashData(input[..length]);
        return new Guid(hash.AsSpan(0, 16));
    }

    /// <summary>The Mẫu 01 of one submission of an application.</summary>
    public static Guid DeclarationForm(Guid applicationId, string applicationNumber) => From(applicationId, "mau-01:" + applicationNumber);
}

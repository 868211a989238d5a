namespace VssId.Modules.Notifications.Contracts;

/// <summary>The Mẫu 01 variants.</summary>
public static class DeclarationFormKinds
{
    /// <summary>An adult's own declaration.</summary>
    public const string Adult = "adult";

    /// <summary>A child's declaration, signed by the guardian.</summary>
    public const string Child = "child";
}

/// <summary>The person the form declares.</summary>
public sealed record DeclarantV1(
    string FullName,
    DateOnly DateOfBirth,
    string Gender,
    string BhxhCode,
    string? IdentityDocumentKind,
    string? IdentityNumber,
    string AddressLine);

/// <summary>The guardian on a child's form.</summary>
public sealed record GuardianV1(string FullName, string BhxhCode, string IdentityNumber, string Relationship, string Phone);

/// <summary>
/// Everything printed on a Mẫu 01. <see cref="DocumentId"/> is derived by the caller from its
/// application or enrolment, so asking twice renders one document.
/// </summary>
public sealed record DeclarationFormV1(
    Guid DocumentId,
    string Kind,
    string ApplicationNumber,
    DateOnly SubmittedOn,
    string OfficeName,
    string ProvinceName,
    DeclarantV1 Declarant,
    GuardianV1? Guardian,
    string Phone,
    string? Email);

/// <summary>Where a requested form stands.</summary>
public enum DeclarationFormStatus
{
    /// <summary>Never requested.</summary>
    Unknown,

    /// <summary>Requested; the render job has not finished.</summary>
    Pending,

    /// <summary>Rendered and stored.</summary>
    Ready,

    /// <summary>Its person was erased (their key shredded): it can never be served again.</summary>
    Erased,
}

/// <summary>A stored form: its status, and its bytes when ready.</summary>
public sealed record StoredDeclarationForm(DeclarationFormStatus Status, byte[]? Pdf);

/// <summary>Mẫu 01 PDFs: rendered by a background job, stored, served without rebuilding.</summary>
public interface IDeclarationForms
{
    /// <summary>Records the form and enqueues its rendering in one transaction; false when already requested.</summary>
    Task<bool> Request(DeclarationFormV1 form, CancellationToken cancellationToken);

    /// <summary>The form's status and, when ready, its PDF.</summary>
    Task<StoredDeclarationForm> Get(Guid documentId, CancellationToken cancellationToken);
}

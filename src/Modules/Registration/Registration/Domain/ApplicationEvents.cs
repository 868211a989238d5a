using VssId.BuildingBlocks.Privacy;

namespace VssId.Modules.Registration.Domain;

public sealed record IdentityDocument(string Type, [property: PersonalData] string Number, string? Nationality);

/// <summary>An address as declared, with its 2025 ward when it was coded against the legacy catalog and maps unambiguously.</summary>
public sealed record Address(string Catalog, string ProvinceCode, string? DistrictCode, string WardCode, [property: PersonalData] string Street,
    string? Mapped2025WardCode);

/// <summary>What the applicant declares (normalised: NFC, trimmed, phone as 0 + 9 digits); stored sealed with the applicant's key.</summary>
public sealed record Declaration(
    string BhxhCode,
    [property: PersonalData] string FullName,
    [property: PersonalData] DateOnly DateOfBirth,
    string Gender,
    IdentityDocument IdentityDocument,
    Address Address,
    [property: PersonalData] string Phone,
    [property: PersonalData] string? Email) : IDataSubject
{
    string? IDataSubject.DataSubject => BhxhCode;
}

public sealed record StoredDocument(string Kind, string StorageKey, string ContentType, int Width, int Height, long Size);

/// <summary>The applicant's consent to the processing of their data: which text, through which channel, when (Decree 13/2023 art. 11).</summary>
public sealed record ProcessingConsent(string TextVersion, string Channel, DateTimeOffset At);

public sealed record ApplicationStarted(Guid ApplicationId, Declaration Declaration, string AccessTokenHash, DateTimeOffset At, ProcessingConsent? Consent = null);

public sealed record DeclarationReplaced(Declaration Declaration, DateTimeOffset At);

/// <summary>The phone confirmed by OTP; <see cref="BhxhCode"/> names whose key seals it (null in events stored before sealing).</summary>
public sealed record PhoneVerified([property: PersonalData] string Phone, DateTimeOffset At, string? BhxhCode = null) : INamesPersonThroughStream
{
    string? IDataSubject.DataSubject => BhxhCode;

    IDataSubject INamesPersonThroughStream.WithSubject(string subject) => this with { BhxhCode = subject };
}

/// <summary>A photo stored; <see cref="Discarded"/> is the file it replaced when no submission refers to it (deleted by a reaction).</summary>
public sealed record DocumentAttached(StoredDocument Document, DateTimeOffset At, string? Discarded = null);

/// <summary>Carries what was submitted, so the published contract and the form are built from the event alone.</summary>
public sealed record ApplicationSubmitted(string OfficeCode, string ApplicationNumber, bool SendDeclarationByEmail, DateTimeOffset At,
    Declaration Declaration, IReadOnlyList<StoredDocument> Documents, [property: PersonalData] string AddressLine, string ProvinceName) : IDataSubject
{
    string? IDataSubject.DataSubject => Declaration.BhxhCode;
}

/// <summary>A draft withdrawn; <see cref="Discarded"/> are its photos, deleted by a reaction.</summary>
public sealed record ApplicationWithdrawn(DateTimeOffset At, IReadOnlyList<string>? Discarded = null);

/// <summary>An officer took up the submission <see cref="ApplicationNumber"/>: UnderReview.</summary>
public sealed record ReviewStarted(string ApplicationNumber, DateTimeOffset At);

public sealed record ApplicationApproved(string ApplicationNumber, DateTimeOffset At);

/// <summary>The reason of a rejection or a request for information, as the applicant reads it.</summary>
public sealed record DecisionReason(string Code, string Vi, string En, string? Note);

public sealed record ApplicationRejected(string ApplicationNumber, DecisionReason Reason, DateTimeOffset At);

/// <summary>The office needs something fixed: the application is editable again and can be resubmitted.</summary>
public sealed record InformationRequested(string ApplicationNumber, DecisionReason Reason, DateTimeOffset At);

/// <summary>Expired for inactivity; <see cref="Discarded"/> are the photos no submission refers to, deleted by a reaction.</summary>
public sealed record ApplicationExpired(DateTimeOffset At, IReadOnlyList<string>? Discarded = null);

public sealed record AccessTokenReissued(string AccessTokenHash, DateTimeOffset At);

/// <summary>A wrong code at resume: counted toward the daily cap of failed resumes.</summary>
public sealed record ResumeFailed(DateTimeOffset At);

/// <summary>Too many wrong resume codes in a day: resume is shut for this application until <see cref="Until"/>; the owner is told by SMS.</summary>
public sealed record ResumeLocked([property: PersonalData] string Phone, DateTimeOffset At, DateTimeOffset Until, string? BhxhCode = null)
    : INamesPersonThroughStream
{
    string? IDataSubject.DataSubject => BhxhCode;

    IDataSubject INamesPersonThroughStream.WithSubject(string subject) => this with { BhxhCode = subject };
}

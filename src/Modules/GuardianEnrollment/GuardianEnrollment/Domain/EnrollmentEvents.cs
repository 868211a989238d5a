using VssId.BuildingBlocks.Privacy;

namespace VssId.Modules.GuardianEnrollment.Domain;

/// <summary>The child as declared (normalised: NFC, trimmed). A child enrolled here has no CCCD.</summary>
public sealed record Child(string BhxhCode, [property: PersonalData] string FullName, [property: PersonalData] DateOnly DateOfBirth, string Gender)
    : IDataSubject
{
    string? IDataSubject.DataSubject => BhxhCode;
}

/// <summary>
/// The guardian as their account knows them when the enrolment starts: the mobile that receives the child's
/// one-time password, the CCCD the declaration must repeat.
/// </summary>
public sealed record Guardian(Guid AccountId, string BhxhCode, [property: PersonalData] string FullName, [property: PersonalData] string IdentityNumber,
    [property: PersonalData] string Phone, [property: PersonalData] string? Email) : IDataSubject
{
    // The guardian's own key: erasing the guardian reaches the copies kept in their children's enrolments.
    string? IDataSubject.DataSubject => BhxhCode;
}

/// <summary>The contact address printed on Mẫu 01: in words, with its province's short name; <see cref="FromGuardian"/> when it was not declared.</summary>
public sealed record ContactAddress([property: PersonalData] string Line, string ProvinceName, bool FromGuardian);

public sealed record EnrollmentDocument(string Kind, string StorageKey, string ContentType, int Width, int Height, long Size);

/// <summary>Where the enrolment came from: the guardian's own app (Flow 2) or a school's roster (Flow 3).</summary>
public static class EnrollmentOrigins
{
    public const string Guardian = "guardian";
    public const string School = "school";
}

/// <summary>The school and class of a roster row (origin <c>school</c>).</summary>
public sealed record SchoolClass(string SchoolCode, string ClassCode);

/// <summary>
/// An enrolment begins. From a school's roster (<see cref="School"/> set) the guardian is who the row names: their
/// account's profile when they have one (its verified mobile receives the consent SMS), otherwise only the
/// mã số BHXH and the mobile the school gave (name and CCCD empty: written by hand on the signed Mẫu 01).
/// </summary>
public sealed record EnrollmentStarted(Guid EnrollmentId, Child Child, Guardian Guardian, string Relationship, ContactAddress Address, string OfficeCode,
    string Origin, DateTimeOffset At, SchoolClass? School = null) : IDataSubject
{
    // The address is sealed with the key of whose address it is.
    string? IDataSubject.DataSubject => Address.FromGuardian ? Guardian.BhxhCode : Child.BhxhCode;
}

/// <summary>How a guardian consented to a school's enrolment: in their account, or with the code of the consent SMS.</summary>
public static class ConsentChannels
{
    public const string Account = "account";
    public const string Sms = "sms";
}

/// <summary>The guardian agreed to the school's enrolment (followed in the same append by its submission).</summary>
public sealed record EnrollmentConsented(string Channel, DateTimeOffset At);

/// <summary>Nobody consented within <see cref="Enrollment.ConsentWindow"/>: the school's enrolment lapses.</summary>
public sealed record EnrollmentExpired(DateTimeOffset At, IReadOnlyList<string>? Discarded = null);

/// <summary>Its guardian withdrew the draft; <see cref="Discarded"/> are its photos, deleted by a reaction.</summary>
public sealed record EnrollmentWithdrawn(DateTimeOffset At, IReadOnlyList<string>? Discarded = null);

/// <summary>The school holds the signed Mẫu 01 (recorded by the school's client <see cref="ReceivedBy"/>).</summary>
public sealed record EnrollmentFormReceived(string ReceivedBy, DateTimeOffset At);

/// <summary>A photo attached; <see cref="Discarded"/> names the file it replaced (every upload has its own name), unless a submission carried it.</summary>
public sealed record EnrollmentDocumentAttached(EnrollmentDocument Document, DateTimeOffset At, IReadOnlyList<string>? Discarded = null);

/// <summary>"Ghi nhận": carries what was submitted, so the published contract and the form are built from the event alone.</summary>
public sealed record EnrollmentSubmitted(string ApplicationNumber, DateTimeOffset At, Child Child, Guardian Guardian, string Relationship,
    ContactAddress Address, string OfficeCode, IReadOnlyList<EnrollmentDocument> Documents) : IDataSubject
{
    string? IDataSubject.DataSubject => Address.FromGuardian ? Guardian.BhxhCode : Child.BhxhCode;
}

/// <summary>An officer took up the submission <see cref="ApplicationNumber"/>.</summary>
public sealed record EnrollmentReviewStarted(string ApplicationNumber, DateTimeOffset At);

public sealed record EnrollmentApproved(string ApplicationNumber, DateTimeOffset At);

/// <summary>The reason of a rejection or a request for information, as the guardian reads it.</summary>
public sealed record EnrollmentDecisionReason(string Code, string Vi, string En, string? Note);

public sealed record EnrollmentRejected(string ApplicationNumber, EnrollmentDecisionReason Reason, DateTimeOffset At);

/// <summary>The office needs something fixed: the enrolment is editable again and can be submitted again.</summary>
public sealed record EnrollmentInformationRequested(string ApplicationNumber, EnrollmentDecisionReason Reason, DateTimeOffset At);

using System.Collections.Immutable;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Identifiers;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Approval.Contracts;

namespace VssId.Modules.Approval.Domain;

/// <summary>
/// What the reviewer sees of the declaration (from the submission contract; the other modules' tables are never
/// read). A child has no identity document; its contact (<see cref="Phone"/>, <see cref="Email"/>) is the guardian's.
/// </summary>
public sealed record CaseDeclaration(string BhxhCode, [property: PersonalData] string FullName, [property: PersonalData] DateOnly DateOfBirth,
    string Gender, string? IdentityDocumentType, [property: PersonalData] string? IdentityNumber, string? Nationality,
    [property: PersonalData] string AddressLine, [property: PersonalData] string Phone, [property: PersonalData] string? Email) : IDataSubject
{
    string? IDataSubject.DataSubject => BhxhCode;

    /// <summary>The address's province, short ("Hà Nội"): kept with the account the approval opens.</summary>
    public string? ProvinceName { get; init; }

    /// <summary>The guardian who enrolled the child (child cases only).</summary>
    public CaseGuardian? Guardian { get; init; }
}

/// <summary>The guardian of a child's case, as the enrolment declared them (their CCCD equals their account's).</summary>
public sealed record CaseGuardian([property: PersonalData] string FullName, string BhxhCode, [property: PersonalData] string IdentityNumber,
    string Relationship) : IDataSubject
{
    // The guardian's own key: erasing the guardian reaches the copy kept in their child's case.
    string? IDataSubject.DataSubject => BhxhCode;
}

/// <summary>A photo of the case: its kind and where the file store keeps it.</summary>
public sealed record CaseDocument(string Kind, string StorageKey, string ContentType);

public sealed record CaseOpened(Guid CaseId, Guid ApplicationId, string Kind, string OfficeCode, string ApplicationNumber, DateTimeOffset SubmittedAt,
    CaseDeclaration Declaration, IReadOnlyList<CaseDocument> Documents);

/// <summary>The applicant fixed what was asked and submitted again: the same case returns to the queue.</summary>
public sealed record CaseResubmitted(string OfficeCode, string ApplicationNumber, DateTimeOffset SubmittedAt, CaseDeclaration Declaration,
    IReadOnlyList<CaseDocument> Documents);

public sealed record CaseClaimed(string Officer, DateTimeOffset Until, DateTimeOffset At);

/// <summary>The first claim of a submission: the application is UnderReview.</summary>
public sealed record ReviewStarted(string Officer, DateTimeOffset At);

public sealed record CaseReleased(string Officer, DateTimeOffset At);

/// <summary>Somebody looked at the case or one of its photos (the history shows every read).</summary>
public sealed record CaseViewed(string Officer, string What, DateTimeOffset At);

public sealed record CaseApproved(string Officer, DateTimeOffset At);

public sealed record CaseRejected(string Officer, string ReasonCode, string? Note, DateTimeOffset At);

public sealed record InformationRequested(string Officer, string ReasonCode, string? Note, DateTimeOffset At);

/// <summary>The states of a case.</summary>
public static class CaseStatus
{
    public const string Pending = "Pending";
    public const string UnderReview = "UnderReview";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string NeedsInformation = "NeedsInformation";

    public static readonly IReadOnlyList<string> All = [Pending, UnderReview, Approved, Rejected, NeedsInformation];
}

/// <summary>
/// The review of one application or one child enrolment by its office: claimed by one officer
/// at a time (30 minutes), decided by the officer who holds it. Immutable; rebuilt from its events.
/// </summary>
public sealed record ReviewCase
{
    public static readonly TimeSpan ClaimDuration = TimeSpan.FromMinutes(30);
    public static readonly IReadOnlyList<string> RequiredAdultDocuments = ["portrait", "id-front", "id-back"];

    /// <summary>A child's enrolment is approved on its birth certificate (the portrait is optional).</summary>
    public static readonly IReadOnlyList<string> RequiredChildDocuments = ["birth-certificate"];

    public static IReadOnlyList<string> RequiredDocuments(string kind) => kind == CaseKinds.Child ? RequiredChildDocuments : RequiredAdultDocuments;

    public Guid Id { get; init; }
    public Guid ApplicationId { get; init; }
    public required string Kind { get; init; }
    public required string OfficeCode { get; init; }
    public required string ApplicationNumber { get; init; }
    public DateTimeOffset SubmittedAt { get; init; }
    public required CaseDeclaration Declaration { get; init; }
    public ImmutableDictionary<string, CaseDocument> Documents { get; init; } = ImmutableDictionary<string, CaseDocument>.Empty;
    public string Status { get; init; } = CaseStatus.Pending;
    public string? ClaimedBy { get; init; }
    public DateTimeOffset? ClaimedUntil { get; init; }
    public bool ReviewStartedForSubmission { get; init; }

    /// <summary>The stream of an application's case: a redelivered submission can never open a second one.</summary>
    public static Guid IdFor(Guid applicationId) => DerivedId.From(applicationId, "vssid.approval.case");

    public static ReviewCase Create(CaseOpened e) => new()
    {
        Id = e.CaseId, ApplicationId = e.ApplicationId, Kind = e.Kind, OfficeCode = e.OfficeCode, ApplicationNumber = e.ApplicationNumber,
        SubmittedAt = e.SubmittedAt, Declaration = e.Declaration, Documents = e.Documents.ToImmutableDictionary(d => d.Kind),
    };

    public ReviewCase Apply(CaseResubmitted e) => this with
    {
        Status = CaseStatus.Pending, OfficeCode = e.OfficeCode, ApplicationNumber = e.ApplicationNumber, SubmittedAt = e.SubmittedAt,
        Declaration = e.Declaration, Documents = e.Documents.ToImmutableDictionary(d => d.Kind), ClaimedBy = null, ClaimedUntil = null,
        ReviewStartedForSubmission = false,
    };

    public ReviewCase Apply(CaseClaimed e) => this with { ClaimedBy = e.Officer, ClaimedUntil = e.Until };
    public ReviewCase Apply(ReviewStarted e) => this with { Status = CaseStatus.UnderReview, ReviewStartedForSubmission = true };
    public ReviewCase Apply(CaseReleased e) => this with { ClaimedBy = null, ClaimedUntil = null };
    public ReviewCase Apply(CaseViewed e) => this;
    public ReviewCase Apply(CaseApproved e) => this with { Status = CaseStatus.Approved, ClaimedBy = null, ClaimedUntil = null };
    public ReviewCase Apply(CaseRejected e) => this with { Status = CaseStatus.Rejected, ClaimedBy = null, ClaimedUntil = null };
    public ReviewCase Apply(InformationRequested e) => this with { Status = CaseStatus.NeedsInformation, ClaimedBy = null, ClaimedUntil = null };

    public bool IsOpen => Status is CaseStatus.Pending or CaseStatus.UnderReview;

    /// <summary>Who approves when the office lets the system approve exact registry matches.</summary>
    public const string AutoApprover = "system (auto-approval)";

    /// <summary>
    /// The system's approval of a (re)submission: only when the office allows it, every field matches the
    /// registry and the required photos are there. Anything else waits for an officer.
    /// </summary>
    public static CaseApproved? AutoApprove(string kind, IEnumerable<CaseDocument> documents, RegistryCheck check, bool officeAllows, DateTimeOffset now) =>
        officeAllows && check.AllMatch && RequiredDocuments(kind).All(k => documents.Any(d => d.Kind == k)) ? new CaseApproved(AutoApprover, now) : null;

    public string? HolderAt(DateTimeOffset now) => ClaimedUntil > now ? ClaimedBy : null;

    /// <summary>Claims the case for <paramref name="officer"/> (renewing their own claim); the first claim starts the review.</summary>
    public IReadOnlyList<object> Claim(string officer, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new ProblemException(ApprovalProblems.CaseDecided);
        }
        if (HolderAt(now) is { } holder && holder != officer)
        {
            throw new ProblemException(ApprovalProblems.ClaimedByAnother);
        }
        var claimed = new CaseClaimed(officer, now + ClaimDuration, now);
        return ReviewStartedForSubmission ? [claimed] : [claimed, new ReviewStarted(officer, now)];
    }

    public CaseReleased Release(string officer, DateTimeOffset now) =>
        HolderAt(now) == officer ? new CaseReleased(officer, now) : throw new ProblemException(ApprovalProblems.NotClaimedByYou);

    public CaseApproved Approve(string officer, DateTimeOffset now)
    {
        EnsureHeldBy(officer, now);
        var missing = RequiredDocuments(Kind).Where(k => !Documents.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
        {
            throw new ProblemException(ApprovalProblems.DocumentsMissing,
                new LocalizedText($"Còn thiếu ảnh: {string.Join(", ", missing)}.", $"Missing photos: {string.Join(", ", missing)}."));
        }
        return new CaseApproved(officer, now);
    }

    public CaseRejected Reject(string officer, string reasonCode, string? note, DateTimeOffset now)
    {
        EnsureHeldBy(officer, now);
        return new CaseRejected(officer, reasonCode, note, now);
    }

    public InformationRequested RequestInformation(string officer, string reasonCode, string? note, DateTimeOffset now)
    {
        EnsureHeldBy(officer, now);
        return new InformationRequested(officer, reasonCode, note, now);
    }

    private void EnsureHeldBy(string officer, DateTimeOffset now)
    {
        if (!IsOpen)
        {
            throw new ProblemException(ApprovalProblems.CaseDecided);
        }
        if (HolderAt(now) != officer)
        {
            throw new ProblemException(ApprovalProblems.NotClaimedByYou);
        }
    }
}

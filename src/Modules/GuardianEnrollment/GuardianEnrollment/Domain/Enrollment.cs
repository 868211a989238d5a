using System.Collections.Immutable;
using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.GuardianEnrollment.Domain;

/// <summary>The states of <c>product.md</c> for a child's enrolment.</summary>
public static class EnrollmentStatus
{
    public const string Draft = "Draft";
    public const string AwaitingGuardianConsent = "AwaitingGuardianConsent";
    public const string Submitted = "Submitted";
    public const string UnderReview = "UnderReview";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string NeedsInformation = "NeedsInformation";

    /// <summary>
    /// A school's enrolment nobody consented to within 30 days, or a guardian's draft (or an enrolment waiting for
    /// information) left without activity for 30 days.
    /// </summary>
    public const string Expired = "Expired";

    /// <summary>
    /// A draft its guardian withdrew: as if it had never been (404 to everyone, nobody's child, not listed), so it is
    /// not one of <see cref="All"/>, the statuses anyone is shown.
    /// </summary>
    public const string Withdrawn = "Withdrawn";

    public static readonly IReadOnlyList<string> All = [Draft, AwaitingGuardianConsent, Submitted, UnderReview, Approved, Rejected, NeedsInformation, Expired];
}

/// <summary>How the guardian relates to the child (<c>api.md</c>).</summary>
public static class Relationships
{
    public const string Father = "father";
    public const string Mother = "mother";
    public const string Guardian = "guardian";

    public static readonly IReadOnlyList<string> All = [Father, Mother, Guardian];

    /// <summary>As Mẫu 01 prints it.</summary>
    public static string InVietnamese(string relationship) => relationship switch
    {
        Father => "Cha",
        Mother => "Mẹ",
        _ => "Người giám hộ",
    };
}

public static class EnrollmentDocumentKinds
{
    public const string BirthCertificate = "birth-certificate";
    public const string Portrait = "portrait";

    public static readonly IReadOnlyList<string> All = [BirthCertificate, Portrait];
}

/// <summary>
/// A guardian's enrolment of a child who has no CCCD, rebuilt from its events (immutable). Decisions take the
/// current state and return the event to append, or refuse with a problem.
/// </summary>
public sealed record Enrollment
{
    /// <summary>A child is a person under this age on the day (Asia/Ho_Chi_Minh).</summary>
    public const int AdultAge = 18;

    /// <summary>How many children one guardian may enrol (rejected enrolments do not count).</summary>
    public const int MaxChildrenPerGuardian = 10;

    /// <summary>How long a school's enrolment waits for the guardian's consent.</summary>
    public static readonly TimeSpan ConsentWindow = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a draft, or an enrolment waiting for information, stays open without activity: as an adult's
    /// application (<c>product.md</c>), so that a birth certificate nobody submits is not kept for ever.
    /// </summary>
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(30);

    /// <summary>
    /// Photos one enrolment may upload in a day, as an adult's application (issue 13 item 3): each replaced file is
    /// deleted, so the disk holds one file per kind whatever the count; the budget bounds the work (decoding,
    /// stripping, sealing, writing) one guardian can cause.
    /// </summary>
    public const int MaxUploadsPerDay = 100;

    public static readonly TimeSpan UploadWindow = TimeSpan.FromHours(24);

    public Guid Id { get; init; }
    public string Status { get; init; } = EnrollmentStatus.Draft;
    public required Child Child { get; init; }
    public required Guardian Guardian { get; init; }
    public required string Relationship { get; init; }
    public required ContactAddress Address { get; init; }
    public required string OfficeCode { get; init; }
    public required string Origin { get; init; }
    public ImmutableDictionary<string, EnrollmentDocument> Documents { get; init; } = ImmutableDictionary<string, EnrollmentDocument>.Empty;
    public string? ApplicationNumber { get; init; }
    public EnrollmentDecisionReason? Reason { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }
    public SchoolClass? School { get; init; }
    public string? ConsentChannel { get; init; }
    public DateTimeOffset? FormReceivedAt { get; init; }

    /// <summary>The start, a photo attached, a submission or the office's request for information: what keeps an editable enrolment open.</summary>
    public DateTimeOffset LastActivityAt { get; init; }

    /// <summary>The stored files some submission carried: an office's case refers to them, so expiry keeps them.</summary>
    public ImmutableHashSet<string> SubmittedFiles { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Uploads of the last <see cref="UploadWindow"/>, for the budget.</summary>
    public ImmutableList<DateTimeOffset> RecentUploads { get; init; } = ImmutableList<DateTimeOffset>.Empty;

    public bool IsEditable => Status is EnrollmentStatus.Draft or EnrollmentStatus.NeedsInformation;

    /// <summary>Photos may be attached while editable and, for a school's enrolment, while it waits for the guardian.</summary>
    public bool AcceptsDocuments => IsEditable || Status == EnrollmentStatus.AwaitingGuardianConsent;

    public static Enrollment Create(EnrollmentStarted e) => new()
    {
        Id = e.EnrollmentId,
        Status = e.Origin == EnrollmentOrigins.School ? EnrollmentStatus.AwaitingGuardianConsent : EnrollmentStatus.Draft,
        Child = e.Child,
        Guardian = e.Guardian,
        Relationship = e.Relationship,
        Address = e.Address,
        OfficeCode = e.OfficeCode,
        Origin = e.Origin,
        StartedAt = e.At,
        LastActivityAt = e.At,
        School = e.School,
    };

    public Enrollment Apply(EnrollmentConsented e) => this with { ConsentChannel = e.Channel };
    public Enrollment Apply(EnrollmentExpired e) => this with { Status = EnrollmentStatus.Expired };
    public Enrollment Apply(EnrollmentWithdrawn e) => this with { Status = EnrollmentStatus.Withdrawn };
    public Enrollment Apply(EnrollmentFormReceived e) => this with { FormReceivedAt = e.At };

    public Enrollment Apply(EnrollmentDocumentAttached e) => this with
    {
        Documents = Documents.SetItem(e.Document.Kind, e.Document), LastActivityAt = e.At,
        RecentUploads = RecentUploads.RemoveAll(at => at <= e.At - UploadWindow).Add(e.At),
    };

    public Enrollment Apply(EnrollmentSubmitted e) => this with
    {
        Status = EnrollmentStatus.Submitted, ApplicationNumber = e.ApplicationNumber, SubmittedAt = e.At, OfficeCode = e.OfficeCode, Reason = null,
        LastActivityAt = e.At, SubmittedFiles = SubmittedFiles.Union(e.Documents.Select(d => d.StorageKey)),
    };

    public Enrollment Apply(EnrollmentReviewStarted e) => this with { Status = EnrollmentStatus.UnderReview };
    public Enrollment Apply(EnrollmentApproved e) => this with { Status = EnrollmentStatus.Approved, Reason = null };
    public Enrollment Apply(EnrollmentRejected e) => this with { Status = EnrollmentStatus.Rejected, Reason = e.Reason };
    public Enrollment Apply(EnrollmentInformationRequested e) => this with { Status = EnrollmentStatus.NeedsInformation, Reason = e.Reason, LastActivityAt = e.At };

    /// <summary>The child's age in whole years on <paramref name="today"/>.</summary>
    public static int AgeOn(DateOnly dateOfBirth, DateOnly today)
    {
        var age = today.Year - dateOfBirth.Year;
        return dateOfBirth > today.AddYears(-age) ? age - 1 : age;
    }

    public EnrollmentDocumentAttached Attach(EnrollmentDocument document, DateTimeOffset now)
    {
        if (!AcceptsDocuments)
        {
            EnsureEditable();
        }
        EnsureUploadBudget(now);
        // Every upload lands under a new name (PhotoUpload.NewKey): the one it replaces goes, unless a submission carried it.
        var replaced = Documents.TryGetValue(document.Kind, out var previous) && previous.StorageKey != document.StorageKey
            && !SubmittedFiles.Contains(previous.StorageKey) ? new[] { previous.StorageKey } : null;
        return new EnrollmentDocumentAttached(document, now, replaced);
    }

    /// <summary>
    /// The guardian consents to a school's enrolment: it is submitted at once, as "Ghi nhận" would (the number is
    /// the caller's). The birth-certificate photo is not required here: the school's row vouches for the child,
    /// and the office asks for the photo (needs information) when it wants it.
    /// </summary>
    public IReadOnlyList<object> Consent(string channel, string applicationNumber, DateTimeOffset now)
    {
        if (Status != EnrollmentStatus.AwaitingGuardianConsent)
        {
            throw new ProblemException(GuardianEnrollmentProblems.NotAwaitingConsent,
                new LocalizedText($"Hồ sơ đang ở trạng thái {Status}.", $"The enrolment is {Status}."));
        }
        if (now - StartedAt > ConsentWindow)
        {
            throw new ProblemException(GuardianEnrollmentProblems.ConsentExpired);
        }
        return [new EnrollmentConsented(channel, now), Submission(applicationNumber, now)];
    }

    /// <summary>
    /// A school's enrolment past its consent window lapses, and so does a draft or an enrolment waiting for information
    /// after <see cref="Inactivity"/> without activity; anything else is left alone. Its photos go with it, except those a
    /// submission carried (the office's case still shows them).
    /// </summary>
    public EnrollmentExpired? Expire(DateTimeOffset now) => Status switch
    {
        EnrollmentStatus.AwaitingGuardianConsent when now - StartedAt > ConsentWindow => new EnrollmentExpired(now, Discardable()),
        EnrollmentStatus.Draft or EnrollmentStatus.NeedsInformation when now - LastActivityAt > Inactivity => new EnrollmentExpired(now, Discardable()),
        _ => null,
    };

    /// <summary>
    /// The guardian withdraws their draft (a child started under the wrong code, a birth certificate sent by mistake),
    /// as an adult withdraws theirs: its photos go at once rather than after 30 days. Only a draft: an enrolment in an
    /// office's hands is the office's to decide, and a school's is declined by not consenting.
    /// </summary>
    public EnrollmentWithdrawn Withdraw(DateTimeOffset now)
    {
        if (Status != EnrollmentStatus.Draft)
        {
            throw new ProblemException(GuardianEnrollmentProblems.NotEditable,
                new LocalizedText($"Chỉ rút được hồ sơ nháp; hồ sơ đang ở trạng thái {Status}.", $"Only a draft can be withdrawn; the enrolment is {Status}."));
        }
        return new EnrollmentWithdrawn(now, Discardable());
    }

    private string[] Discardable() => Documents.Values.Select(d => d.StorageKey).Where(key => !SubmittedFiles.Contains(key)).ToArray();

    /// <summary>Refuses an upload beyond <see cref="MaxUploadsPerDay"/> (429 with the time until the oldest one counts no more).</summary>
    public void EnsureUploadBudget(DateTimeOffset now)
    {
        var recent = RecentUploads.Where(at => at > now - UploadWindow).ToList();
        if (recent.Count >= MaxUploadsPerDay)
        {
            throw new ProblemException(GuardianEnrollmentProblems.UploadBudgetUsed, retryAfter: recent[0] + UploadWindow - now);
        }
    }

    /// <summary>The school records the signed Mẫu 01: only of a submitted enrolment (there is no form before); once.</summary>
    public EnrollmentFormReceived? ReceiveForm(string receivedBy, DateTimeOffset now)
    {
        if (ApplicationNumber is null)
        {
            throw new ProblemException(GuardianEnrollmentProblems.NotSubmitted);
        }
        return FormReceivedAt is null ? new EnrollmentFormReceived(receivedBy, now) : null;
    }

    /// <summary>"Ghi nhận": the birth certificate is required; the number is the office's, given by the caller.</summary>
    public EnrollmentSubmitted Submit(string applicationNumber, DateTimeOffset now)
    {
        EnsureEditable();
        if (!Documents.ContainsKey(EnrollmentDocumentKinds.BirthCertificate))
        {
            throw new ProblemException(GuardianEnrollmentProblems.BirthCertificateMissing);
        }
        return Submission(applicationNumber, now);
    }

    private EnrollmentSubmitted Submission(string applicationNumber, DateTimeOffset now) =>
        new(applicationNumber, now, Child, Guardian, Relationship, Address, OfficeCode,
            EnrollmentDocumentKinds.All.Where(Documents.ContainsKey).Select(k => Documents[k]).ToArray());

    /// <summary>The office's decisions on a submission (from Approval's events): null when already applied or about an older submission.</summary>
    public object? Decide(object decision) => decision switch
    {
        EnrollmentReviewStarted e when Status == EnrollmentStatus.Submitted && e.ApplicationNumber == ApplicationNumber => e,
        EnrollmentApproved e when Status is EnrollmentStatus.Submitted or EnrollmentStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        EnrollmentRejected e when Status is EnrollmentStatus.Submitted or EnrollmentStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        EnrollmentInformationRequested e when Status is EnrollmentStatus.Submitted or EnrollmentStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        _ => null,
    };

    private void EnsureEditable()
    {
        if (!IsEditable)
        {
            throw new ProblemException(GuardianEnrollmentProblems.NotEditable,
                new LocalizedText($"Hồ sơ đang ở trạng thái {Status}.", $"The enrolment is {Status}."));
        }
    }
}

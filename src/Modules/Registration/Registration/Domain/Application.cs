using System.Collections.Immutable;
using VssId.BuildingBlocks.Errors;

namespace VssId.Modules.Registration.Domain;

public static class ApplicationStatus
{
    public const string Draft = "Draft";
    public const string Submitted = "Submitted";
    public const string UnderReview = "UnderReview";
    public const string Approved = "Approved";
    public const string Rejected = "Rejected";
    public const string NeedsInformation = "NeedsInformation";
    public const string Withdrawn = "Withdrawn";
    public const string Expired = "Expired";
}

public static class IdentityDocumentTypes
{
    public const string Cccd = "CCCD";
    public const string Cmnd = "CMND";
    public const string Passport = "Passport";
}

public static class DocumentKinds
{
    public const string Portrait = "portrait";
    public const string IdFront = "id-front";
    public const string IdBack = "id-back";

    public static readonly IReadOnlyList<string> Required = [Portrait, IdFront, IdBack];
}

/// <summary>
/// An adult's application, rebuilt from its events (immutable: every Apply returns a new record).
/// Decisions take the current state and return the event to append, or refuse with a problem.
/// </summary>
public sealed record Application
{
    public Guid Id { get; init; }
    public string Status { get; init; } = ApplicationStatus.Draft;
    public required Declaration Declaration { get; init; }
    public required string AccessTokenHash { get; init; }
    public string? VerifiedPhone { get; init; }
    public ImmutableDictionary<string, StoredDocument> Documents { get; init; } = ImmutableDictionary<string, StoredDocument>.Empty;
    public string? OfficeCode { get; init; }
    public string? ApplicationNumber { get; init; }
    public bool SendDeclarationByEmail { get; init; }

    /// <summary>Why the office rejected the application or asks for information (the latest such decision).</summary>
    public DecisionReason? Reason { get; init; }
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset LastActivityAt { get; init; }
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>Wrong resume codes, newest last; only those of the last <see cref="ResumeFailureWindow"/> matter.</summary>
    public ImmutableList<DateTimeOffset> ResumeFailures { get; init; } = ImmutableList<DateTimeOffset>.Empty;

    public DateTimeOffset? ResumeLockedUntil { get; init; }

    /// <summary>The consent recorded at the start (null for drafts started before consent was recorded).</summary>
    public ProcessingConsent? Consent { get; init; }

    /// <summary>Files some submission refers to: the office's case shows them, so they outlive a replacement.</summary>
    public ImmutableHashSet<string> SubmittedFiles { get; init; } = ImmutableHashSet<string>.Empty;

    /// <summary>Uploads of the last <see cref="UploadWindow"/>, for the budget.</summary>
    public ImmutableList<DateTimeOffset> RecentUploads { get; init; } = ImmutableList<DateTimeOffset>.Empty;

    /// <summary>
    /// Photos an application may upload in a day. Each replaced file is deleted, so the disk holds one file per
    /// kind whatever the count; the budget bounds the work (decoding, stripping, writing) one token can cause.
    /// </summary>
    public const int MaxUploadsPerDay = 100;

    public static readonly TimeSpan UploadWindow = TimeSpan.FromHours(24);

    /// <summary>When the access token was last given or its holder last acted (a resume, or the office asking for information).</summary>
    public DateTimeOffset AccessTokenRenewedAt { get; init; }

    /// <summary>An access token not used to act for this long stops working (issue 13 item 10).</summary>
    public static readonly TimeSpan AccessTokenIdleLifetime = TimeSpan.FromDays(30);

    /// <summary>The token ends with a final decision, or after <see cref="AccessTokenIdleLifetime"/> without activity.</summary>
    public bool AccessTokenExpiredAt(DateTimeOffset now) =>
        Status is ApplicationStatus.Approved or ApplicationStatus.Rejected
        || (LastActivityAt > AccessTokenRenewedAt ? LastActivityAt : AccessTokenRenewedAt) + AccessTokenIdleLifetime <= now;

    /// <summary>
    /// Wrong resume codes an application takes in a day before resume is shut for a day: 5 sends of 5 tries an
    /// hour would otherwise allow 600 guesses a day, for ever.
    /// </summary>
    public const int MaxResumeFailuresPerDay = 10;

    public static readonly TimeSpan ResumeFailureWindow = TimeSpan.FromHours(24);

    /// <summary>An application nobody touched for this long expires (Draft and NeedsInformation only).</summary>
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(30);

    /// <summary>How many open drafts that verified it one phone may hold.</summary>
    public const int MaxVerifiedDraftsPerPhone = 3;

    /// <summary>A draft whose phone was never verified expires this long after its start, edited or not.</summary>
    public static readonly TimeSpan UnverifiedLifetime = TimeSpan.FromHours(24);

    /// <summary>
    /// How many events the application has: its stream version and ETag. Counted here rather than
    /// named "Version", which Marten would map onto its own stream-version handling of aggregates.
    /// </summary>
    public long StreamVersion { get; init; }

    // Denormalised for the read model's indexes (status lookup, drafts per phone).
    public string BhxhCode => Declaration.BhxhCode;
    public string Phone => Declaration.Phone;
    public bool PhoneVerified => VerifiedPhone is not null && VerifiedPhone == Declaration.Phone;
    public bool IsEditable => Status is ApplicationStatus.Draft or ApplicationStatus.NeedsInformation;

    /// <summary>Open: not yet decided, withdrawn or expired (the applicant may still act on it).</summary>
    public bool IsOpen => Status is ApplicationStatus.Draft or ApplicationStatus.Submitted or ApplicationStatus.UnderReview
        or ApplicationStatus.NeedsInformation;

    public static Application Create(ApplicationStarted e) => new()
    {
        Id = e.ApplicationId,
        Declaration = e.Declaration,
        AccessTokenHash = e.AccessTokenHash,
        Consent = e.Consent,
        StartedAt = e.At,
        LastActivityAt = e.At,
        StreamVersion = 1,
    };

    public Application Apply(DeclarationReplaced e) => this with { StreamVersion = StreamVersion + 1, Declaration = e.Declaration, LastActivityAt = e.At };

    public Application Apply(PhoneVerified e) => this with { StreamVersion = StreamVersion + 1, VerifiedPhone = e.Phone, LastActivityAt = e.At };

    public Application Apply(DocumentAttached e) => this with
    {
        StreamVersion = StreamVersion + 1,
        Documents = Documents.SetItem(e.Document.Kind, e.Document),
        LastActivityAt = e.At,
        RecentUploads = RecentUploads.RemoveAll(at => at <= e.At - UploadWindow).Add(e.At),
    };

    public Application Apply(ApplicationSubmitted e) => this with
    {
        StreamVersion = StreamVersion + 1,
        Status = ApplicationStatus.Submitted,
        OfficeCode = e.OfficeCode,
        ApplicationNumber = e.ApplicationNumber,
        SendDeclarationByEmail = e.SendDeclarationByEmail,
        SubmittedAt = e.At,
        LastActivityAt = e.At,
        SubmittedFiles = SubmittedFiles.Union(e.Documents.Select(d => d.StorageKey)),
    };

    public Application Apply(ReviewStarted e) => this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.UnderReview };

    public Application Apply(ApplicationApproved e) => this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.Approved, Reason = null };

    public Application Apply(ApplicationRejected e) => this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.Rejected, Reason = e.Reason };

    // The 30 days of inactivity before expiry count from the request.
    public Application Apply(InformationRequested e) =>
        this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.NeedsInformation, Reason = e.Reason, LastActivityAt = e.At };

    /// <summary>The office's decisions on a submission (from Approval's events): null when this one is already applied or is about an older submission.</summary>
    public object? Decide(object decision) => decision switch
    {
        ReviewStarted e when Status == ApplicationStatus.Submitted && e.ApplicationNumber == ApplicationNumber => e,
        ApplicationApproved e when Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        ApplicationRejected e when Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        InformationRequested e when Status is ApplicationStatus.Submitted or ApplicationStatus.UnderReview && e.ApplicationNumber == ApplicationNumber => e,
        _ => null,
    };

    public Application Apply(ApplicationWithdrawn e) => this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.Withdrawn, LastActivityAt = e.At };

    public Application Apply(ApplicationExpired e) => this with { StreamVersion = StreamVersion + 1, Status = ApplicationStatus.Expired, LastActivityAt = e.At };

    public Application Apply(AccessTokenReissued e) => this with { StreamVersion = StreamVersion + 1, AccessTokenHash = e.AccessTokenHash, AccessTokenRenewedAt = e.At };

    public Application Apply(ResumeFailed e) => this with
    {
        StreamVersion = StreamVersion + 1,
        ResumeFailures = ResumeFailures.RemoveAll(at => at <= e.At - ResumeFailureWindow).Add(e.At),
    };

    public Application Apply(ResumeLocked e) => this with { StreamVersion = StreamVersion + 1, ResumeFailures = [], ResumeLockedUntil = e.Until };

    public bool ResumeLockedAt(DateTimeOffset now) => ResumeLockedUntil > now;

    /// <summary>Records a wrong resume code; the one that reaches the daily cap also shuts resume for a day.</summary>
    public IReadOnlyList<object> FailResume(DateTimeOffset now)
    {
        var failed = new ResumeFailed(now);
        return ResumeFailures.Count(at => at > now - ResumeFailureWindow) + 1 >= MaxResumeFailuresPerDay
            ? [failed, new ResumeLocked(Phone, now, now + ResumeFailureWindow, BhxhCode)]
            : [failed];
    }

    public DeclarationReplaced ReplaceDeclaration(Declaration declaration, DateTimeOffset now)
    {
        EnsureEditable();
        if (declaration.BhxhCode != Declaration.BhxhCode)
        {
            throw new ProblemException(RegistrationProblems.BhxhCodeImmutable);
        }
        return new DeclarationReplaced(declaration, now);
    }

    public PhoneVerified VerifyPhone(DateTimeOffset now)
    {
        EnsureEditable();
        return new PhoneVerified(Declaration.Phone, now, Declaration.BhxhCode);
    }

    public DocumentAttached Attach(StoredDocument document, DateTimeOffset now)
    {
        EnsureEditable();
        var recent = RecentUploads.Where(at => at > now - UploadWindow).ToList();
        if (recent.Count >= MaxUploadsPerDay)
        {
            throw new ProblemException(RegistrationProblems.UploadBudgetUsed, retryAfter: recent[0] + UploadWindow - now);
        }
        return new DocumentAttached(document, now, Discardable(Documents.GetValueOrDefault(document.Kind)?.StorageKey) is { } old && old != document.StorageKey ? old : null);
    }

    /// <summary>The photos to delete when the application closes: every one no submission refers to.</summary>
    public IReadOnlyList<string> DiscardableFiles() => Documents.Values.Select(d => d.StorageKey).Where(k => !SubmittedFiles.Contains(k)).ToArray();

    private string? Discardable(string? key) => key is not null && !SubmittedFiles.Contains(key) ? key : null;

    public ApplicationSubmitted Submit(string officeCode, string applicationNumber, bool sendDeclarationByEmail, DateTimeOffset now,
        string addressLine, string provinceName)
    {
        EnsureEditable();
        if (!PhoneVerified)
        {
            throw new ProblemException(RegistrationProblems.PhoneNotVerified);
        }
        var missing = DocumentKinds.Required.Where(k => !Documents.ContainsKey(k)).ToArray();
        if (missing.Length > 0)
        {
            throw new ProblemException(RegistrationProblems.DocumentsMissing,
                new LocalizedText($"Còn thiếu ảnh: {string.Join(", ", missing)}.", $"Missing photos: {string.Join(", ", missing)}."));
        }
        return new ApplicationSubmitted(officeCode, applicationNumber, sendDeclarationByEmail, now, Declaration,
            DocumentKinds.Required.Select(k => Documents[k]).ToArray(), addressLine, provinceName);
    }

    /// <summary>
    /// Expires an editable application inactive for <see cref="Inactivity"/>, or a draft whose phone was
    /// never verified <see cref="UnverifiedLifetime"/> after its start; null when it is still alive.
    /// </summary>
    public ApplicationExpired? Expire(DateTimeOffset now) =>
        IsEditable && (LastActivityAt < now - Inactivity || (Status == ApplicationStatus.Draft && !PhoneVerified && StartedAt < now - UnverifiedLifetime))
            ? new ApplicationExpired(now, DiscardableFiles())
            : null;

    /// <summary>
    /// A fresh access token for an applicant who lost theirs (resume): only for an open application whose
    /// phone was verified, since the code that proves the applicant went to that phone.
    /// </summary>
    public AccessTokenReissued ReissueAccessToken(string accessTokenHash, DateTimeOffset now) =>
        IsOpen && PhoneVerified
            ? new AccessTokenReissued(accessTokenHash, now)
            : throw new ProblemException(RegistrationProblems.OtpInvalid);

    public ApplicationWithdrawn Withdraw(DateTimeOffset now) =>
        Status == ApplicationStatus.Draft ? new ApplicationWithdrawn(now, DiscardableFiles()) : throw new ProblemException(RegistrationProblems.NotEditable);

    private void EnsureEditable()
    {
        if (!IsEditable)
        {
            throw new ProblemException(RegistrationProblems.NotEditable,
                new LocalizedText($"Hồ sơ đang ở trạng thái {Status}.", $"The application is {Status}."));
        }
    }
}

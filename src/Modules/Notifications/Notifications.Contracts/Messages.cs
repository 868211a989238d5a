namespace VssId.Modules.Notifications.Contracts;

/// <summary>The SMS and email templates other modules may ask for; the texts live in Notifications.</summary>
public static class MessageTemplates
{
    /// <summary>SMS with a one-time code. Parameters: <c>code</c>, <c>minutes</c>.</summary>
    public const string Otp = "otp";

    /// <summary>SMS on submission. Parameters: <c>applicationNumber</c>, <c>officeName</c>.</summary>
    public const string ApplicationReceived = "application_received";

    /// <summary>SMS on approval with the one-time password. Parameters: <c>bhxhCode</c>, <c>password</c>.</summary>
    public const string AccountIssued = "account_issued";

    /// <summary>A child's account: its one-time password, sent to the guardian's mobile.</summary>
    public const string ChildAccountIssued = "child_account_issued";

    /// <summary>A guardian's enrolment of a child reached its office: the number, and what to do with Mẫu 01.</summary>
    public const string EnrollmentReceived = "enrollment_received";

    /// <summary>
    /// A school enrolled the guardian's child: the code that confirms it (a secret). Parameters: <c>schoolCode</c>,
    /// <c>childName</c>, <c>classCode</c>, <c>code</c>, <c>days</c>.
    /// </summary>
    public const string EnrollmentConsent = "enrollment_consent";

    /// <summary>SMS on rejection. Parameters: <c>applicationNumber</c>, <c>reason</c>.</summary>
    public const string ApplicationRejected = "application_rejected";

    /// <summary>SMS asking for information. Parameters: <c>applicationNumber</c>, <c>reason</c>.</summary>
    public const string NeedsInformation = "needs_information";

    /// <summary>SMS when resume of an application is shut after wrong codes. Parameters: <c>until</c> (Vietnam time).</summary>
    public const string ResumeLocked = "resume_locked";

    /// <summary>SMS when an account is locked. Parameters: <c>minutes</c>.</summary>
    public const string AccountLocked = "account_locked";

    /// <summary>
    /// Email mirroring a rejection or a request for information. Parameters: <c>fullName</c>,
    /// <c>applicationNumber</c>, <c>decision</c> (the decision in words), <c>reason</c>, <c>next</c> (what to do now).
    /// </summary>
    public const string DecisionEmail = "decision_email";

    /// <summary>Email with a one-time code (password recovery by email). Parameters: <c>code</c>, <c>minutes</c>.</summary>
    public const string OtpEmail = "otp_email";

    /// <summary>Email with the Mẫu 01 declaration attached. Parameters: <c>fullName</c>, <c>applicationNumber</c>, <c>officeName</c>.</summary>
    public const string DeclarationEmail = "declaration_email";
}

/// <summary>
/// An SMS to send. <see cref="MessageId"/> is derived from what caused it (an event id, an OTP id):
/// asking twice with the same id sends once. <see cref="People"/>: the mã số BHXH of everyone the message is about,
/// the one it is for first (its recipient: for a message about a child, the guardian), others it names after. Its
/// recipient and texts are sealed with the first one's key, and erasing any of them blanks it (address and texts gone).
/// </summary>
public sealed record SmsRequest(Guid MessageId, string To, string Template, IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<string>? People = null);

/// <summary>An email to send; attachments are stored documents, read when the email goes out. <see cref="People"/> as for an SMS.</summary>
public sealed record EmailRequest(Guid MessageId, string To, string Template, IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<EmailAttachmentRef> Attachments, IReadOnlyList<string>? People = null);

/// <summary>A stored document (e.g. a Mẫu 01 PDF) to attach under <see cref="FileName"/>.</summary>
public sealed record EmailAttachmentRef(Guid DocumentId, string FileName);

/// <summary>Sends SMS and email through background jobs: never lost once accepted, never sent twice for one id.</summary>
public interface IMessageSender
{
    /// <summary>Records the SMS and enqueues its job in one transaction; false when that id was already accepted.</summary>
    Task<bool> SendSms(SmsRequest request, CancellationToken cancellationToken);

    /// <summary>Records the email and enqueues its job in one transaction; false when that id was already accepted.</summary>
    Task<bool> SendEmail(EmailRequest request, CancellationToken cancellationToken);
}

namespace VssId.Modules.Notifications.Contracts;

/// <summary>
/// One-time codes for any purpose (phone verification, password recovery, SmartOTP enrolment,
/// guardian consent): 6 digits, hashed at rest, limited in lifetime, resends and tries.
/// </summary>
public interface IOneTimeCodes
{
    /// <summary>
    /// Issues a code for <paramref name="target"/> and sends it by SMS; or says why not and when to retry.
    /// Besides the per-target limits, a phone, the caller's address block and the hourly budget are limited:
    /// <paramref name="trust"/> says whether the phone was typed in by the caller or is already verified.
    /// <paramref name="person"/>: the mã số BHXH the code is for, when known (its message is blanked if they are erased).
    /// </summary>
    Task<OneTimeCodeIssue> IssueBySms(string purpose, string target, string phone, PhoneTrust trust, string? person, CancellationToken cancellationToken);

    /// <summary>Issues a code for <paramref name="target"/> and sends it by email (same limits, no SMS budget).</summary>
    Task<OneTimeCodeIssue> IssueByEmail(string purpose, string target, string email, string? person, CancellationToken cancellationToken);

    /// <summary>Checks a code; a valid one is consumed.</summary>
    Task<OneTimeCodeCheck> Verify(string purpose, string target, string code, CancellationToken cancellationToken);
}

/// <summary>
/// Whose phone an SMS code goes to. Anyone can type a stranger's number into a draft; only the owner's
/// flows (recovery, resume, SmartOTP) reach a verified one. The two are counted apart, and verified flows
/// keep a share of the hourly budget, so a flood of typed-in numbers cannot stop an owner's recovery code.
/// </summary>
public enum PhoneTrust
{
    /// <summary>A number the caller typed in and is about to prove (registration phone verification).</summary>
    Unverified,

    /// <summary>A number already verified for an account or an application.</summary>
    Verified,
}

/// <summary>The outcome of asking for a code.</summary>
public enum OneTimeCodeIssueStatus
{
    /// <summary>A code was issued and its SMS accepted.</summary>
    Sent,

    /// <summary>The last code was sent less than the resend interval ago.</summary>
    TooSoon,

    /// <summary>The hourly number of sends for this target, this phone or this caller's address block is used up.</summary>
    TooMany,

    /// <summary>The service-wide hourly SMS budget is used up (protection against SMS pumping).</summary>
    BudgetExhausted,
}

/// <summary>The outcome of asking for a code, with the wait before the next request when refused.</summary>
public sealed record OneTimeCodeIssue(OneTimeCodeIssueStatus Status, Guid? CodeId, TimeSpan RetryAfter, DateTimeOffset? ExpiresAt);

/// <summary>The outcome of checking a code.</summary>
public enum OneTimeCodeCheck
{
    /// <summary>Right and now consumed.</summary>
    Valid,

    /// <summary>Wrong (or no code was ever sent).</summary>
    Invalid,

    /// <summary>Right code shape but every code sent has expired.</summary>
    Expired,

    /// <summary>Too many wrong tries on every live code: ask for a new one.</summary>
    TooManyAttempts,
}

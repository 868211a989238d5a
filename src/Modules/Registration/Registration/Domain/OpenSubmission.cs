namespace VssId.Modules.Registration.Domain;

/// <summary>
/// The one submitted application a mã số BHXH may have at a time. Its id is the code, so inserting it
/// in the same transaction as ApplicationSubmitted decides a race between drafts: exactly one commits.
/// </summary>
public sealed record OpenSubmission(string Id, Guid ApplicationId, DateTimeOffset SubmittedAt);

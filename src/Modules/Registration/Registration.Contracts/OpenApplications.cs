namespace VssId.Modules.Registration.Contracts;

/// <summary>Whether a mã số BHXH has an adult application in an office's hands (Submitted, UnderReview or NeedsInformation).</summary>
public interface IOpenApplications
{
    Task<bool> HasOpenSubmission(string bhxhCode, CancellationToken cancellationToken);
}

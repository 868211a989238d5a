namespace VssId.Modules.GuardianEnrollment.Contracts;

/// <summary>Whether a child's mã số BHXH has an enrolment in an office's hands (Submitted, UnderReview or NeedsInformation).</summary>
public interface IOpenEnrollments
{
    Task<bool> HasOpenSubmission(string bhxhCode, CancellationToken cancellationToken);
}

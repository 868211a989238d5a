namespace VssId.Modules.Registration.Contracts;

/// <summary>Whether a mã số BHXH has an adult application in an office's hands (Submitted, UnderReview or NeedsInformation).</summary>
public interface IOpenApplications
{
    Task<bool> HasOpenSubmission(string bhxhCode, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="bhxhCodes"/> have one (a school's roster asks once for a whole class).</summary>
    Task<IReadOnlySet<string>> WithOpenSubmission(IReadOnlyCollection<string> bhxhCodes, CancellationToken cancellationToken);
}

using VssId.BuildingBlocks.Errors;
using VssId.Modules.Notifications.Contracts;

namespace VssId.Modules.Registration.Features;

/// <summary>How a checked one-time code answers when it is not valid (phone verification and resume alike).</summary>
internal static class OneTimeCodeOutcome
{
    public static readonly ProblemType[] Problems =
        [RegistrationProblems.OtpInvalid, RegistrationProblems.OtpExpired, RegistrationProblems.OtpTooManyAttempts];

    public static void EnsureValid(OneTimeCodeCheck check)
    {
        switch (check)
        {
            case OneTimeCodeCheck.Valid:
                return;
            case OneTimeCodeCheck.Expired:
                throw new ProblemException(RegistrationProblems.OtpExpired);
            case OneTimeCodeCheck.TooManyAttempts:
                throw new ProblemException(RegistrationProblems.OtpTooManyAttempts, retryAfter: TimeSpan.FromSeconds(60));
            default:
                throw new ProblemException(RegistrationProblems.OtpInvalid);
        }
    }
}

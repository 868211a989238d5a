using VssId.Modules.GuardianEnrollment.Captcha;

namespace VssId.Modules.GuardianEnrollment.Features.ForgetCaptchas;

/// <summary>The hourly job that deletes captchas older than the per-account window: spent or not, they are of no further use.</summary>
public sealed class ForgetCaptchasJob(Captchas captchas)
{
    public Task<int> Run(CancellationToken cancellationToken) => captchas.Forget(cancellationToken);
}

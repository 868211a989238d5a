using VssId.BuildingBlocks.Modules;
using VssId.Modules.Approval;
using VssId.Modules.Credentials;
using VssId.Modules.GuardianEnrollment;
using VssId.Modules.Notifications;
using VssId.Modules.Reference;
using VssId.Modules.Registration;

namespace VssId.Host.Platform;

/// <summary>The modules this Host composes.</summary>
public static class VssIdModules
{
    public static readonly IReadOnlyList<IModule> All =
    [
        new ReferenceModule(),
        new RegistrationModule(),
        new GuardianEnrollmentModule(),
        new ApprovalModule(),
        new CredentialsModule(),
        new NotificationsModule(),
    ];
}

using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.Credentials.Audit;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.Credentials.Domain;
using VssId.Modules.Credentials.Integration;
using VssId.Modules.Credentials.Security;

namespace VssId.Modules.Credentials;

/// <summary>
/// Accounts, passwords, login, tokens, SmartOTP, recovery, lock-out, staff users and API clients: the
/// OAuth 2.0 token service (ADR 0011) and the access policies every other module's endpoints name.
/// </summary>
public sealed class CredentialsModule : IModule
{
    internal const string Tag = "Tài khoản · Credentials";
    internal const string AdminTag = "Quản trị · Administration";
    internal const string LoginRateLimit = "credentials.login";
    internal const string RecoveryRateLimit = "credentials.recovery";

    public string Name => "credentials";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModulePartsOf<CredentialsModule>();
        services.AddIntegrationEventRelay<CredentialsRelay>();
        services.AddVssIdIdentity(configuration);
        services.AddSingleton<SmartOtp>();
        services.AddSingleton<AuditTrail>();
        services.AddSingleton<VssId.BuildingBlocks.Audit.IAdministrativeAudit>(sp => sp.GetRequiredService<AuditTrail>());
        services.AddScoped<ICitizenDirectory, CitizenDirectory>();
        services.AddHostedService<DevelopmentAdmin>();

        // Per address: the lock-out protects one account; this keeps one address from spraying many.
        var enabled = configuration.GetValue("RateLimiting:Enabled", true);
        var loginPerMinute = configuration.GetValue("RateLimiting:LoginPerMinute", 30);
        var recoveryPerMinute = configuration.GetValue("RateLimiting:RecoveryPerMinute", 10);
        services.Configure<RateLimiterOptions>(o =>
        {
            o.AddPolicy(LoginRateLimit, http => RateLimits.PerAddress(http, enabled, loginPerMinute));
            o.AddPolicy(RecoveryRateLimit, http => RateLimits.PerAddress(http, enabled, recoveryPerMinute));
        });
    }

    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        options.ForModule(Name)
            .Event<AccountOpened>("account_opened")
            .Event<StaffUserCreated>("staff_user_created")
            .Event<PasswordChanged>("password_changed")
            .Event<LoginFailed>("login_failed")
            .Event<AccountLocked>("account_locked")
            .Event<FailedLoginsCleared>("failed_logins_cleared")
            .Event<AccountClosed>("account_closed")
            .Event<SmartOtpEnrolled>("smart_otp_enrolled")
            .Event<SmartOtpEnabled>("smart_otp_enabled")
            .Event<SmartOtpUsed>("smart_otp_used")
            .Event<SmartOtpDisabled>("smart_otp_disabled");
        // Logins read the account on every attempt: an inline snapshot makes that one document load.
        options.Projections.Snapshot<Account>(SnapshotLifecycle.Inline);
        options.ForModule(Name).Document<Account>();
        options.ForModule(Name).Document<ApiClient>();
        options.ForModule(Name).Document<RefreshFamily>().UseOptimisticConcurrency(true);
        options.Storage.ExtendedSchemaObjects.Add(SigningKeys.Table());
        options.Storage.ExtendedSchemaObjects.Add(AuditTrail.Table());
    }
}

using Hangfire;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Http;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.Privacy;
using VssId.Modules.Registration.Contracts;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.Features.ExpireInactiveApplications;
using VssId.Modules.Registration.Integration;
using VssId.BuildingBlocks.Jobs;
using VssId.Modules.Registration.ReadModels;
using Weasel.Postgresql;

namespace VssId.Modules.Registration;

/// <summary>Adult applications from draft to submission: declaration, phone verification, photos, QR prefill.</summary>
public sealed class RegistrationModule : IModule
{
    internal const string Tag = "Đăng ký (người lớn) · Registration";
    internal const string StartRateLimit = "registration.start";
    internal const string LookupRateLimit = "registration.lookup";

    public string Name => "registration";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModulePartsOf<RegistrationModule>();
        services.AddIntegrationEventRelay<RegistrationRelay>();
        services.AddSingleton<IOpenApplications, OpenApplications>();
        // The index holds phones as HMACs, so its projection needs the server key (a service, not a constant).
        services.ConfigureMarten((sp, options) =>
            options.Projections.Add(new ApplicationIndex(sp.GetRequiredService<PhoneDigests>()), ProjectionLifecycle.Inline));
        services.AddRecurringJob<ExpireInactiveApplicationsJob>("registration.expire-drafts", job => job.Run(CancellationToken.None), Cron.Hourly());

        // Keyed by caller address for anonymous callers; numbers are configuration (RateLimiting:*).
        // Read once: a policy's partition function runs on every request.
        var enabled = configuration.GetValue("RateLimiting:Enabled", true);
        var startPerMinute = configuration.GetValue("RateLimiting:StartPerMinute", 20);
        var lookupPerMinute = configuration.GetValue("RateLimiting:LookupPerMinute", 10);
        services.Configure<RateLimiterOptions>(o =>
        {
            o.AddPolicy(StartRateLimit, http => RateLimits.PerAddress(http, enabled, startPerMinute));
            o.AddPolicy(LookupRateLimit, http => RateLimits.PerAddress(http, enabled, lookupPerMinute));
        });
    }

    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        options.ForModule(Name)
            .Event<ApplicationStarted>("application_started")
            .Event<DeclarationReplaced>("declaration_replaced")
            .Event<PhoneVerified>("phone_verified")
            .Event<DocumentAttached>("document_attached")
            .Event<ApplicationSubmitted>("application_submitted")
            .Event<ApplicationWithdrawn>("application_withdrawn")
            .Event<ApplicationExpired>("application_expired")
            .Event<AccessTokenReissued>("access_token_reissued")
            .Event<ReviewStarted>("review_started")
            .Event<ApplicationApproved>("application_approved")
            .Event<ApplicationRejected>("application_rejected")
            .Event<InformationRequested>("information_requested")
            .Event<ResumeFailed>("resume_failed")
            .Event<ResumeLocked>("resume_locked");
        // The applicant's view is the aggregate rebuilt from its events; searches go to a narrow inline
        // index (ADR 0009), added in AddServices.
        options.Projections.LiveStreamAggregation<Application>();
        options.Storage.ExtendedSchemaObjects.Add(ApplicationIndex.Table());
        options.Storage.ExtendedSchemaObjects.Add(AccountCodes.Table());
        options.Storage.ExtendedSchemaObjects.Add(new Sequence(new PostgresqlObjectName(Name, "application_number_seq", default(Weasel.Postgresql.SchemaUtils.IdentifierUsage))));
        // The start checks (see StartApplication): a SQLSTATE from plain SQL, in the append's transaction.
        options.AddSqlRefusals(Name, "start_guard");
    }

    /// <summary>The SQLSTATEs the start checks raise.</summary>
    internal static class StartChecks
    {
        public const string ApplicationOpen = "VS409";
        public const string AccountExists = "VS410";
        public const string TooManyDrafts = "VS429";
    }
}

using Hangfire;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Jobs;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.GuardianEnrollment.Captcha;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Features;
using VssId.Modules.GuardianEnrollment.Features.ExpireEnrollments;
using VssId.Modules.GuardianEnrollment.Features.ForgetCaptchas;
using VssId.Modules.GuardianEnrollment.Integration;
using VssId.Modules.GuardianEnrollment.ReadModels;
using Weasel.Postgresql;

namespace VssId.Modules.GuardianEnrollment;

/// <summary>Child enrolments by guardians and by schools' rosters: captcha, declaration, birth certificate, consent, "Ghi nhận", a child's Mẫu 01, a class's forms.</summary>
public sealed class GuardianEnrollmentModule : IModule
{
    internal const string Tag = "Đăng ký cho trẻ · Guardian enrolment";

    public string Name => "enrollment";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModulePartsOf<GuardianEnrollmentModule>();
        services.AddIntegrationEventRelay<GuardianEnrollmentRelay>();
        services.AddSingleton<Captchas>();
        services.AddSingleton<ConsentCodes>();
        services.AddScoped<EnrollmentConsent>();
        services.AddSingleton<IOpenEnrollments, OpenEnrollments>();
        // The index holds guardians' phones as HMACs, so its projection needs the server key (a service, not a constant).
        services.ConfigureMarten((sp, options) =>
            options.Projections.Add(new EnrollmentIndex(sp.GetRequiredService<VssId.BuildingBlocks.Privacy.PhoneDigests>()), ProjectionLifecycle.Inline));
        services.AddRecurringJob<ForgetCaptchasJob>("enrollment.forget-captchas", job => job.Run(CancellationToken.None), Cron.Hourly());
        services.AddRecurringJob<ExpireEnrollmentsJob>("enrollment.expire-school-enrollments", job => job.Run(CancellationToken.None), Cron.Hourly());
    }

    // "/api": the development captcha endpoint lives beside the outbox under /api/dev; the rest under v1/.
    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        options.ForModule(Name)
            .Event<EnrollmentStarted>("enrollment_started")
            .Event<EnrollmentDocumentAttached>("document_attached")
            .Event<EnrollmentSubmitted>("enrollment_submitted")
            .Event<EnrollmentReviewStarted>("review_started")
            .Event<EnrollmentApproved>("enrollment_approved")
            .Event<EnrollmentRejected>("enrollment_rejected")
            .Event<EnrollmentInformationRequested>("information_requested")
            .Event<EnrollmentConsented>("enrollment_consented")
            .Event<EnrollmentExpired>("enrollment_expired")
            .Event<EnrollmentWithdrawn>("enrollment_withdrawn")
            .Event<EnrollmentFormReceived>("form_received");
        // The guardian's view is the aggregate rebuilt from its few events; lists and checks read the narrow index (added in AddServices).
        options.Projections.LiveStreamAggregation<Enrollment>();
        options.Storage.ExtendedSchemaObjects.Add(EnrollmentIndex.Table());
        options.Storage.ExtendedSchemaObjects.Add(Captchas.Table());
        options.Storage.ExtendedSchemaObjects.Add(ConsentCodes.Table());
        options.Storage.ExtendedSchemaObjects.Add(new Sequence(new PostgresqlObjectName(Name, "application_number_seq", default(Weasel.Postgresql.SchemaUtils.IdentifierUsage))));
        options.AddSqlRefusals(Name, "start_guard");
    }
}

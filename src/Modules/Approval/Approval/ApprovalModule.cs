using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.BuildingBlocks.Marten;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Approval.Integration;
using VssId.Modules.Approval.ReadModels;

namespace VssId.Modules.Approval;

/// <summary>The review case of every submitted application: office queues, claims, decisions.</summary>
public sealed class ApprovalModule : IModule
{
    internal const string Tag = "Duyệt hồ sơ · Approval";

    public string Name => "approval";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModulePartsOf<ApprovalModule>();
        services.AddIntegrationEventRelay<ApprovalRelay>();
    }

    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        options.ForModule(Name)
            .Event<CaseOpened>("case_opened")
            .Event<CaseResubmitted>("case_resubmitted")
            .Event<CaseClaimed>("case_claimed")
            .Event<ReviewStarted>("review_started")
            .Event<CaseReleased>("case_released")
            .Event<CaseViewed>("case_viewed")
            .Event<CaseApproved>("case_approved")
            .Event<CaseRejected>("case_rejected")
            .Event<InformationRequested>("information_requested");
        options.Projections.LiveStreamAggregation<ReviewCase>();
        options.Projections.Add(new CaseIndex(), ProjectionLifecycle.Inline);
        options.Storage.ExtendedSchemaObjects.Add(CaseIndex.Table());
        options.Storage.ExtendedSchemaObjects.Add(Registry.Table());
        options.Storage.ExtendedSchemaObjects.Add(OfficeSettings.Table());
    }
}

using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;

namespace VssId.Modules.Approval;

/// <summary>The review case of every submitted application or enrolment: office queues and decisions. Its features come with their issues.</summary>
public sealed class ApprovalModule : IModule
{
    public string Name => "approval";

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddModulePartsOf<ApprovalModule>();

    internal const string Tag = "Duyệt hồ sơ · Approval";

    // No endpoints yet: the group is where its issue's features will map (their relative paths under /api/v1).
    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
    }
}

using Marten;
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

    public void ConfigureMarten(StoreOptions options)
    {
    }
}

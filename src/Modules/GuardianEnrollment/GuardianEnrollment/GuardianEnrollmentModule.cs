using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;

namespace VssId.Modules.GuardianEnrollment;

/// <summary>Child enrolments by guardians and schools, guardian consent, a child's Mẫu 01. Its features come with their issues.</summary>
public sealed class GuardianEnrollmentModule : IModule
{
    public string Name => "guardianenrollment";

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddModulePartsOf<GuardianEnrollmentModule>();

    internal const string Tag = "Đăng ký cho con · Guardian enrolment";

    // No endpoints yet: the group is where its issue's features will map (their relative paths under /api/v1).
    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
    }
}

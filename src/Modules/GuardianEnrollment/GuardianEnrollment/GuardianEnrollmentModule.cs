using Marten;
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

    public void ConfigureMarten(StoreOptions options)
    {
    }
}

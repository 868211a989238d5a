using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using VssId.BuildingBlocks.Modules;

namespace VssId.Modules.Registration;

/// <summary>Adult applications from draft to decision: phone verification, documents, QR prefill. Its features come with their issues.</summary>
public sealed class RegistrationModule : IModule
{
    public string Name => "registration";

    public void AddServices(IServiceCollection services, IConfiguration configuration) =>
        services.AddModulePartsOf<RegistrationModule>();

    public void ConfigureMarten(StoreOptions options)
    {
    }
}

using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VssId.BuildingBlocks.Modules;
using VssId.Modules.Reference.Catalogs;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Reference;

/// <summary>Address catalogs, receiving offices and rejection reasons: read-only to every other module.</summary>
public sealed class ReferenceModule : IModule
{
    internal const string Tag = "Danh mục · Reference data";

    public string Name => "reference";

    public void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<IAddressCatalog>(_ => AdministrativeUnits.Instance);
        services.AddSingleton<OfficeDirectory>();
        services.AddSingleton<IOfficeCatalog>(sp => sp.GetRequiredService<OfficeDirectory>());
        services.AddHostedService(sp => sp.GetRequiredService<OfficeDirectory>());
        services.AddSingleton<IRejectionReasonCatalog, RejectionReasons>();
        services.AddHostedService<CatalogWarmUp>();
        services.AddModulePartsOf<ReferenceModule>();
    }

    public RouteGroupBuilder MapGroup(IEndpointRouteBuilder app) => app.MapGroup("/api/v1").WithTags(Tag);

    public void ConfigureMarten(StoreOptions options)
    {
        // The seeded catalogs live in memory; administrators' imported offices are laid over them.
        options.Storage.ExtendedSchemaObjects.Add(OfficeDirectory.Table());
    }

    // Loads the catalogs while the host starts, so the first request does not pay for it.
    private sealed class CatalogWarmUp : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = Offices.Instance;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

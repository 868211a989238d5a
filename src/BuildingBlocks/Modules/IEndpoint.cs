using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.Modules;

/// <summary>
/// One use case's HTTP mapping: a relative path on its module's route group, whose handler sends one
/// Mediator command or query. Implementations are found per module assembly and mapped by the Host.
/// </summary>
public interface IEndpoint
{
    /// <summary>Maps the route(s) of the use case on <paramref name="group"/>, the module's route group.</summary>
    void Map(IEndpointRouteBuilder group);
}

/// <summary>Registration of a module's endpoints.</summary>
public static class EndpointDiscovery
{
    /// <summary>
    /// Registers what a module assembly declares by convention: its endpoints and its
    /// integration-event handlers.
    /// </summary>
    public static IServiceCollection AddModulePartsOf<TModule>(this IServiceCollection services) =>
        services.Scan(scan => scan
            .FromAssemblyOf<TModule>()
            .AddClasses(c => c.AssignableTo<IEndpoint>(), publicOnly: false)
                .As<IEndpoint>().WithSingletonLifetime()
            .AddClasses(c => c.AssignableTo(typeof(IntegrationEvents.IIntegrationEventHandler<>)), publicOnly: false)
                .AsImplementedInterfaces().WithScopedLifetime());

    /// <summary>Maps every module's endpoints on that module's route group.</summary>
    public static IEndpointRouteBuilder MapModuleEndpoints(this IEndpointRouteBuilder app, IEnumerable<IModule> modules)
    {
        var endpoints = app.ServiceProvider.GetServices<IEndpoint>().ToList();
        foreach (var module in modules)
        {
            var group = module.MapGroup(app);
            foreach (var endpoint in endpoints.Where(e => e.GetType().Assembly == module.GetType().Assembly).ToArray())
            {
                endpoint.Map(group);
                endpoints.Remove(endpoint);
            }
        }
        // Endpoints of no module (a test's probes) map on the root: the modules' own never get here.
        foreach (var endpoint in endpoints)
        {
            endpoint.Map(app);
        }
        return app;
    }
}

using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.Modules;

/// <summary>One use case's HTTP mapping. Implementations are found per module assembly and mapped by the Host.</summary>
public interface IEndpoint
{
    /// <summary>Maps the route(s) of the use case.</summary>
    void Map(IEndpointRouteBuilder app);
}

/// <summary>Registration of a module's endpoints.</summary>
public static class EndpointDiscovery
{
    /// <summary>
    /// Registers what a module assembly declares by convention: its endpoints, its FluentValidation
    /// validators and its integration-event handlers.
    /// </summary>
    public static IServiceCollection AddModulePartsOf<TModule>(this IServiceCollection services) =>
        services.Scan(scan => scan
            .FromAssemblyOf<TModule>()
            .AddClasses(c => c.AssignableTo<IEndpoint>(), publicOnly: false)
                .As<IEndpoint>().WithSingletonLifetime()
            .AddClasses(c => c.AssignableTo(typeof(FluentValidation.IValidator<>)), publicOnly: false)
                .AsImplementedInterfaces(t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(FluentValidation.IValidator<>))
                .WithSingletonLifetime()
            .AddClasses(c => c.AssignableTo(typeof(IntegrationEvents.IIntegrationEventHandler<>)), publicOnly: false)
                .AsImplementedInterfaces().WithScopedLifetime());

    /// <summary>Maps every registered endpoint.</summary>
    public static IEndpointRouteBuilder MapModuleEndpoints(this IEndpointRouteBuilder app)
    {
        foreach (var endpoint in app.ServiceProvider.GetServices<IEndpoint>())
        {
            endpoint.Map(app);
        }
        return app;
    }
}

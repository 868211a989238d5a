using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.Modules;

/// <summary>
/// A module of the monolith as the Host sees it: the services it adds and the Marten mappings it owns.
/// Endpoints are discovered separately (<see cref="IEndpoint"/>), so a module never touches the pipeline.
/// </summary>
public interface IModule
{
    /// <summary>Short lower-case name; also the PostgreSQL schema of the module's documents.</summary>
    string Name { get; }

    /// <summary>Registers the module's services (handlers are found by the Mediator generator in the Host).</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's documents and events into its own schema and event aliases.</summary>
    void ConfigureMarten(StoreOptions options);
}

using Marten;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.Modules;

/// <summary>
/// A module of the monolith as the Host sees it: the services it adds, the Marten mappings it owns and
/// the one route group its endpoints hang on. A module never touches the rest of the pipeline.
/// </summary>
public interface IModule
{
    /// <summary>Short lower-case name; also the PostgreSQL schema of the module's documents.</summary>
    string Name { get; }

    /// <summary>Registers the module's services (handlers are found by the Mediator generator in the Host).</summary>
    void AddServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's documents and events into its own schema and event aliases.</summary>
    void ConfigureMarten(StoreOptions options);

    /// <summary>
    /// The module's route group (<c>app.MapGroup("/api/v1/…")</c>) with its tag and its rate-limit and
    /// authorization defaults. Every <see cref="IEndpoint"/> of the module maps a path relative to it.
    /// </summary>
    RouteGroupBuilder MapGroup(IEndpointRouteBuilder app);
}

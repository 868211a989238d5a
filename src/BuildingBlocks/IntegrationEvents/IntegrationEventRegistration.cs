using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.IntegrationEvents;

/// <summary>Wiring of relays and handlers.</summary>
public static class IntegrationEventRegistration
{
    /// <summary>
    /// Runs <typeparamref name="TRelay"/> as a Marten subscription of the async daemon (worker role only;
    /// the API role commits events and never delivers them).
    /// </summary>
    public static IServiceCollection AddIntegrationEventRelay<TRelay>(this IServiceCollection services)
        where TRelay : IntegrationEventRelay
    {
        services.AddSingleton<TRelay>();
        services.ConfigureMarten((sp, options) => 
        {
            var relay = sp.GetRequiredService<TRelay>();
            options.Events.Subscribe(relay);
        });
        return services;
    }
}

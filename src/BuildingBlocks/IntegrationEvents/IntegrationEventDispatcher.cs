using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.DependencyInjection;

namespace VssId.BuildingBlocks.IntegrationEvents;

/// <summary>Calls every <see cref="IIntegrationEventHandler{TEvent}"/> registered for an event, in turn.</summary>
public static class IntegrationEventDispatcher
{
    private static readonly ConcurrentDictionary<Type, Func<IServiceProvider, object, IntegrationEventContext, CancellationToken, Task>> Dispatchers = new();

    /// <summary>Delivers <paramref name="integrationEvent"/> to its handlers resolved from <paramref name="services"/>.</summary>
    public static Task Dispatch(IServiceProvider services, object integrationEvent, IntegrationEventContext context,
        CancellationToken cancellationToken) =>
        Dispatchers.GetOrAdd(integrationEvent.GetType(), Build)(services, integrationEvent, context, cancellationToken);

    private static Func<IServiceProvider, object, IntegrationEventContext, CancellationToken, Task> Build(Type eventType) =>
        typeof(IntegrationEventDispatcher)
            .GetMethod(nameof(DispatchTyped), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(eventType)
            .CreateDelegate<Func<IServiceProvider, object, IntegrationEventContext, CancellationToken, Task>>();

    private static async Task DispatchTyped<TEvent>(IServiceProvider services, object integrationEvent,
        IntegrationEventContext context, CancellationToken cancellationToken) where TEvent : class
    {
        foreach (var handler in services.GetServices<IIntegrationEventHandler<TEvent>>())
        {
            await handler.Handle((TEvent)integrationEvent, context, cancellationToken);
        }
    }
}

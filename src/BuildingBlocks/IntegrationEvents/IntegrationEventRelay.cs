using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Marten.Subscriptions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace VssId.BuildingBlocks.IntegrationEvents;

/// <summary>
/// Carries a module's committed domain events to the other modules as public contracts. It runs as a
/// Marten subscription in the async daemon: it sees an event only after its transaction committed, and
/// its checkpoint (mt_event_progression) advances only after every handler of a page returned. A crash
/// between commit and delivery therefore delays delivery to the next start instead of losing it; a crash
/// during delivery delivers the page again (handlers are idempotent).
/// </summary>
public abstract class IntegrationEventRelay : SubscriptionBase
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5)];
    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates the relay; <paramref name="name"/> names its checkpoint and must never change.
    /// <paramref name="published"/> are the domain event types it maps: the daemon reads only those.
    /// </summary>
    protected IntegrationEventRelay(string name, IServiceScopeFactory scopes, ILogger logger, params Type[] published)
    {
        Name = name;
        foreach (var type in published)
        {
            IncludeType(type);
        }
        _scopes = scopes;
        _logger = logger;
    }

    /// <summary>The public contract for a domain event, or null when the event is not published.</summary>
    protected abstract object? ToIntegrationEvent(IEvent domainEvent);

    /// <summary>
    /// The public contract for a domain event when building it needs to read (e.g. the aggregate as it stood);
    /// by default <see cref="ToIntegrationEvent"/>.
    /// </summary>
    protected virtual Task<object?> ToIntegrationEventAsync(IEvent domainEvent, CancellationToken cancellationToken) =>
        Task.FromResult(ToIntegrationEvent(domainEvent));

    public override async Task<IChangeListener> ProcessEventsAsync(EventRange page, ISubscriptionController controller,
        IDocumentOperations operations, CancellationToken cancellationToken)
    {
        foreach (var domainEvent in page.Events)
        {
            var integrationEvent = await ToIntegrationEventAsync(domainEvent, cancellationToken);
            if (integrationEvent is null)
            {
                continue;
            }
            var context = new IntegrationEventContext(domainEvent.Id, domainEvent.Sequence, domainEvent.StreamId, domainEvent.Timestamp);
            await DeliverWithRetries(integrationEvent, context, cancellationToken);
        }
        return NullChangeListener.Instance;
    }

    // A failing handler is retried here a few times; after that the exception stops the page, the
    // checkpoint stays where it was and the daemon tries the page again later. Skipping would lose the
    // event, so the relay never skips (SkipApplyErrors is off).
    private async Task DeliverWithRetries(object integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = _scopes.CreateAsyncScope();
                await IntegrationEventDispatcher.Dispatch(scope.ServiceProvider, integrationEvent, context, cancellationToken);
                return;
            }
            catch (Exception ex) when (attempt < RetryDelays.Length && !cancellationToken.IsCancellationRequested)
            {
                _logger.LogWarning(ex, "Delivery of {EventType} (event {EventId}) failed, attempt {Attempt}; retrying",
                    integrationEvent.GetType().Name, context.EventId, attempt + 1);
                await Task.Delay(RetryDelays[attempt], cancellationToken);
            }
        }
    }
}

namespace VssId.BuildingBlocks.IntegrationEvents;

/// <summary>
/// Where a delivered integration event came from. <see cref="EventId"/> is the same on every
/// redelivery, so a handler derives its idempotency key (a stream id, a job id) from it.
/// </summary>
public sealed record IntegrationEventContext(Guid EventId, long Sequence, Guid StreamId, DateTimeOffset OccurredAt);

/// <summary>
/// A module's reaction to another module's published contract. Delivery is at least once and in the
/// order the source committed, so a handler must be idempotent.
/// </summary>
public interface IIntegrationEventHandler<in TEvent> where TEvent : class
{
    /// <summary>Reacts to <paramref name="integrationEvent"/>; throwing makes the event be delivered again.</summary>
    Task Handle(TEvent integrationEvent, IntegrationEventContext context, CancellationToken cancellationToken);
}

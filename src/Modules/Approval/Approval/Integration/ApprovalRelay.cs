using JasperFx.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Reference.Contracts;

namespace VssId.Modules.Approval.Integration;

/// <summary>
/// Publishes Approval's facts. The decision events carry what the reactions need (the declaration's
/// contact, the reason's texts), so Registration and Credentials never ask Approval anything. The case
/// as it stood is rebuilt from the stream's earlier events by Marten and passed along with the event.
/// </summary>
internal sealed class ApprovalRelay(IServiceScopeFactory scopes, ILogger<ApprovalRelay> logger)
    : IntegrationEventRelay("approval-integration", scopes, logger, typeof(ReviewStarted), typeof(CaseApproved), typeof(CaseRejected), typeof(InformationRequested))
{
    private readonly IServiceScopeFactory _scopes = scopes;

    protected override object? ToIntegrationEvent(IEvent domainEvent) => null;

    protected override async Task<object?> ToIntegrationEventAsync(IEvent domainEvent, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<Marten.IQuerySession>();
        var reasons = scope.ServiceProvider.GetRequiredService<IRejectionReasonCatalog>();
        var @case = await session.Events.AggregateStreamAsync<ReviewCase>(domainEvent.StreamId, version: domainEvent.Version, token: cancellationToken);
        if (@case is null)
        {
            return null;
        }
        var d = @case.Declaration;
        return domainEvent.Data switch
        {
            ReviewStarted e => new ReviewStartedV1(@case.ApplicationId, @case.ApplicationNumber, e.At) { Kind = @case.Kind },
            // A child's phone is the guardian's: the child's one-time password goes there.
            CaseApproved e => new ApplicationApprovedV1(@case.ApplicationId, d.BhxhCode, d.FullName, d.Phone, d.Email, d.IdentityNumber, @case.OfficeCode, e.At)
            {
                Kind = @case.Kind,
                AddressLine = d.AddressLine,
                ProvinceName = d.ProvinceName,
                GuardianBhxhCode = d.Guardian?.BhxhCode,
            },
            CaseRejected e => reasons.Find(e.ReasonCode) is { } r
                ? new ApplicationRejectedV1(@case.ApplicationId, @case.ApplicationNumber, r.Code, r.Vi, r.En, e.Note, d.Phone, d.Email, e.At) { Kind = @case.Kind }
                : null,
            InformationRequested e => reasons.Find(e.ReasonCode) is { } r
                ? new InformationRequestedV1(@case.ApplicationId, @case.ApplicationNumber, r.Code, r.Vi, r.En, e.Note, d.Phone, d.Email, e.At) { Kind = @case.Kind }
                : null,
            _ => null,
        };
    }
}

using JasperFx.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Credentials.Contracts;
using VssId.Modules.Credentials.Domain;

namespace VssId.Modules.Credentials.Integration;

/// <summary>Publishes Credentials' facts to the other modules.</summary>
internal sealed class CredentialsRelay(IServiceScopeFactory scopes, ILogger<CredentialsRelay> logger)
    : IntegrationEventRelay("credentials-integration", scopes, logger, typeof(AccountOpened))
{
    protected override object? ToIntegrationEvent(IEvent domainEvent) => domainEvent.Data switch
    {
        AccountOpened e => new AccountOpenedV1(e.AccountId, e.BhxhCode, e.At),
        _ => null,
    };
}

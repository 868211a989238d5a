using VssId.BuildingBlocks.Files;
using JasperFx.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Registration.Contracts;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Integration;

/// <summary>Publishes Registration's facts to the other modules (and to its own side effects).</summary>
internal sealed class RegistrationRelay(IServiceScopeFactory scopes, ILogger<RegistrationRelay> logger)
    : IntegrationEventRelay("registration-integration", scopes, logger, typeof(ApplicationSubmitted), typeof(ResumeLocked),
        typeof(DocumentAttached), typeof(ApplicationWithdrawn), typeof(ApplicationExpired))
{
    protected override object? ToIntegrationEvent(IEvent domainEvent) => domainEvent.Data switch
    {
        ApplicationSubmitted e => new ApplicationSubmittedV1(domainEvent.StreamId, e.ApplicationNumber, e.OfficeCode, e.At,
            e.Declaration.BhxhCode, e.Declaration.FullName, e.Declaration.DateOfBirth, e.Declaration.Gender,
            e.Declaration.IdentityDocument.Type, e.Declaration.IdentityDocument.Number, e.Declaration.IdentityDocument.Nationality,
            e.AddressLine, e.Declaration.Phone, e.Declaration.Email,
            e.Documents.Select(d => new SubmittedDocumentV1(d.Kind, d.StorageKey, d.ContentType)).ToArray())
        {
            DeclarationByEmail = e.SendDeclarationByEmail,
            ProvinceName = e.ProvinceName,
        },
        ResumeLocked e => new ApplicationResumeLockedV1(domainEvent.StreamId, e.Phone, e.At, e.Until, e.BhxhCode),
        DocumentAttached { Discarded: { } replaced } => new FilesDiscarded([replaced]),
        ApplicationWithdrawn { Discarded: { Count: > 0 } files } => new FilesDiscarded(files),
        ApplicationExpired { Discarded: { Count: > 0 } files } => new FilesDiscarded(files),
        _ => null,
    };
}

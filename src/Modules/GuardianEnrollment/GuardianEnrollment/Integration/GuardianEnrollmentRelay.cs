using VssId.BuildingBlocks.Files;
using JasperFx.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>Publishes GuardianEnrollment's facts to the other modules (and to its own side effects).</summary>
internal sealed class GuardianEnrollmentRelay(IServiceScopeFactory scopes, ILogger<GuardianEnrollmentRelay> logger)
    : IntegrationEventRelay("enrollment-integration", scopes, logger, typeof(EnrollmentStarted), typeof(EnrollmentSubmitted), typeof(EnrollmentExpired),
        typeof(EnrollmentDocumentAttached), typeof(EnrollmentWithdrawn))
{
    protected override object? ToIntegrationEvent(IEvent domainEvent) => domainEvent.Data switch
    {
        EnrollmentSubmitted e => new ChildEnrollmentSubmittedV1(domainEvent.StreamId, e.ApplicationNumber, e.OfficeCode, e.At,
            e.Child.BhxhCode, e.Child.FullName, e.Child.DateOfBirth, e.Child.Gender, e.Address.Line, e.Address.ProvinceName,
            new EnrollingGuardianV1(e.Guardian.BhxhCode, e.Guardian.FullName, e.Guardian.IdentityNumber, e.Relationship, e.Guardian.Phone, e.Guardian.Email),
            e.Documents.Select(d => new EnrolledDocumentV1(d.Kind, d.StorageKey, d.ContentType)).ToArray()),
        EnrollmentStarted { School: { } school } e => new ChildEnrollmentAwaitingConsentV1(domainEvent.StreamId, school.SchoolCode, school.ClassCode,
            e.Child.FullName, e.Guardian.Phone, e.At, e.Child.BhxhCode, e.Guardian.BhxhCode),
        // Photos no submission carried (no office's case refers to them) go with an expired or withdrawn enrolment or
        // when replaced (issue 13 item 3, as for a registration).
        EnrollmentExpired { Discarded: { Count: > 0 } files } => new FilesDiscarded(files),
        EnrollmentWithdrawn { Discarded: { Count: > 0 } files } => new FilesDiscarded(files),
        EnrollmentDocumentAttached { Discarded: { Count: > 0 } files } => new FilesDiscarded(files),
        _ => null,
    };
}

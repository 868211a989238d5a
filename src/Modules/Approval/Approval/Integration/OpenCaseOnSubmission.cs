using Marten;
using Marten.Exceptions;
using VssId.BuildingBlocks.IntegrationEvents;
using Npgsql;
using VssId.Modules.Approval.Contracts;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Approval.ReadModels;
using VssId.Modules.GuardianEnrollment.Contracts;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.Approval.Integration;

/// <summary>
/// A submission reaches its office's queue: an adult's application (kind <c>adult</c>) or a guardian's
/// enrolment of a child (kind <c>child</c>). The first one opens the case, a resubmission (a new application
/// number after "needs information") returns the same case to the queue with its history. The stream id
/// derives from the application or enrolment id, so a redelivery changes nothing.
/// </summary>
internal sealed class OpenCaseOnSubmission(IDocumentSession session, NpgsqlDataSource database, TimeProvider time)
    : IIntegrationEventHandler<ApplicationSubmittedV1>, IIntegrationEventHandler<ChildEnrollmentSubmittedV1>
{
    public Task Handle(ApplicationSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken) =>
        Open(CaseKinds.Adult, submitted.ApplicationId, submitted.OfficeCode, submitted.ApplicationNumber, submitted.SubmittedAt,
            new CaseDeclaration(submitted.BhxhCode, submitted.FullName, submitted.DateOfBirth, submitted.Gender, submitted.IdentityDocumentType,
                submitted.IdentityNumber, submitted.Nationality, submitted.AddressLine, submitted.Phone, submitted.Email) { ProvinceName = submitted.ProvinceName },
            submitted.Documents.Select(d => new CaseDocument(d.Kind, d.StorageKey, d.ContentType)).ToArray(), cancellationToken);

    public Task Handle(ChildEnrollmentSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        var g = submitted.Guardian;
        return Open(CaseKinds.Child, submitted.EnrollmentId, submitted.OfficeCode, submitted.ApplicationNumber, submitted.SubmittedAt,
            new CaseDeclaration(submitted.BhxhCode, submitted.FullName, submitted.DateOfBirth, submitted.Gender, null, null, null, submitted.AddressLine, g.Phone, g.Email)
            {
                ProvinceName = submitted.ProvinceName,
                Guardian = new CaseGuardian(g.FullName, g.BhxhCode, g.IdentityNumber, g.Relationship),
            },
            submitted.Documents.Select(d => new CaseDocument(d.Kind, d.StorageKey, d.ContentType)).ToArray(), cancellationToken);
    }

    private async Task Open(string kind, Guid applicationId, string officeCode, string applicationNumber, DateTimeOffset submittedAt,
        CaseDeclaration declaration, CaseDocument[] documents, CancellationToken cancellationToken)
    {
        var id = ReviewCase.IdFor(applicationId);
        var stream = await session.Events.FetchForWriting<ReviewCase>(id, cancellationToken);
        var isNew = stream.Aggregate is null;
        if (!isNew && (stream.Aggregate!.ApplicationNumber == applicationNumber || stream.Aggregate.Status != CaseStatus.NeedsInformation))
        {
            return; // this submission is already in the queue
        }
        object arrival = isNew
            ? new CaseOpened(id, applicationId, kind, officeCode, applicationNumber, submittedAt, declaration, documents)
            : new CaseResubmitted(officeCode, applicationNumber, submittedAt, declaration, documents);
        // An office that allows it lets the system approve an exact registry match at once, recorded as such.
        var check = RegistryCheck.Of(declaration, await Registry.Find(database, declaration.BhxhCode, cancellationToken));
        var approved = ReviewCase.AutoApprove(kind, documents, check, await OfficeSettings.AutoApproval(database, officeCode, cancellationToken), time.GetUtcNow());
        object[] events = approved is null ? [arrival] : [arrival, approved];
        if (isNew)
        {
            session.Events.StartStream<ReviewCase>(id, events);
        }
        else
        {
            stream.AppendMany(events);
        }
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ExistingStreamIdCollisionException)
        {
            // Delivered twice at the same moment: the other delivery opened it.
        }
    }
}

using Marten;
using Marten.Exceptions;
using VssId.BuildingBlocks.IntegrationEvents;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.Approval.Integration;

/// <summary>
/// A submission reaches its office's queue: the first one opens the application's case, a resubmission
/// (a new application number after "needs information") returns the same case to the queue with its
/// history. The stream id derives from the application id, so a redelivery changes nothing.
/// </summary>
internal sealed class OpenCaseOnSubmission(IDocumentSession session) : IIntegrationEventHandler<ApplicationSubmittedV1>
{
    public async Task Handle(ApplicationSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        var id = ReviewCase.IdFor(submitted.ApplicationId);
        var declaration = new CaseDeclaration(submitted.BhxhCode, submitted.FullName, submitted.DateOfBirth, submitted.Gender, submitted.IdentityDocumentType,
            submitted.IdentityNumber, submitted.Nationality, submitted.AddressLine, submitted.Phone, submitted.Email);
        var documents = submitted.Documents.Select(d => new CaseDocument(d.Kind, d.StorageKey, d.ContentType)).ToArray();
        var stream = await session.Events.FetchForWriting<ReviewCase>(id, cancellationToken);
        if (stream.Aggregate is null)
        {
            session.Events.StartStream<ReviewCase>(id, new CaseOpened(id, submitted.ApplicationId, "adult", submitted.OfficeCode, submitted.ApplicationNumber,
                submitted.SubmittedAt, declaration, documents));
        }
        else if (stream.Aggregate.ApplicationNumber != submitted.ApplicationNumber && stream.Aggregate.Status == CaseStatus.NeedsInformation)
        {
            stream.AppendOne(new CaseResubmitted(submitted.OfficeCode, submitted.ApplicationNumber, submitted.SubmittedAt, declaration, documents));
        }
        else
        {
            return; // this submission is already in the queue
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

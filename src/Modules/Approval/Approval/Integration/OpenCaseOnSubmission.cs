using Marten;
using Marten.Exceptions;
using VssId.BuildingBlocks.IntegrationEvents;
using Npgsql;
using VssId.Modules.Approval.Domain;
using VssId.Modules.Approval.ReadModels;
using VssId.Modules.Registration.Contracts;

namespace VssId.Modules.Approval.Integration;

/// <summary>
/// A submission reaches its office's queue: the first one opens the application's case, a resubmission
/// (a new application number after "needs information") returns the same case to the queue with its
/// history. The stream id derives from the application id, so a redelivery changes nothing.
/// </summary>
internal sealed class OpenCaseOnSubmission(IDocumentSession session, NpgsqlDataSource database, TimeProvider time) : IIntegrationEventHandler<ApplicationSubmittedV1>
{
    public async Task Handle(ApplicationSubmittedV1 submitted, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        var id = ReviewCase.IdFor(submitted.ApplicationId);
        var declaration = new CaseDeclaration(submitted.BhxhCode, submitted.FullName, submitted.DateOfBirth, submitted.Gender, submitted.IdentityDocumentType,
            submitted.IdentityNumber, submitted.Nationality, submitted.AddressLine, submitted.Phone, submitted.Email);
        var documents = submitted.Documents.Select(d => new CaseDocument(d.Kind, d.StorageKey, d.ContentType)).ToArray();
        var stream = await session.Events.FetchForWriting<ReviewCase>(id, cancellationToken);
        var isNew = stream.Aggregate is null;
        if (!isNew && (stream.Aggregate!.ApplicationNumber == submitted.ApplicationNumber || stream.Aggregate.Status != CaseStatus.NeedsInformation))
        {
            return; // this submission is already in the queue
        }
        object arrival = isNew
            ? new CaseOpened(id, submitted.ApplicationId, "adult", submitted.OfficeCode, submitted.ApplicationNumber, submitted.SubmittedAt, declaration, documents)
            : new CaseResubmitted(submitted.OfficeCode, submitted.ApplicationNumber, submitted.SubmittedAt, declaration, documents);
        // An office that allows it lets the system approve an exact registry match at once, recorded as such.
        var check = RegistryCheck.Of(declaration, await Registry.Find(database, submitted.BhxhCode, cancellationToken));
        var approved = ReviewCase.AutoApprove(documents, check, await OfficeSettings.AutoApproval(database, submitted.OfficeCode, cancellationToken), time.GetUtcNow());
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

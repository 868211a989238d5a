using VssId.BuildingBlocks.Files;
using VssId.BuildingBlocks.IntegrationEvents;

namespace VssId.Modules.GuardianEnrollment.Integration;

/// <summary>Photos of an enrolment that expired before anyone consented to it.</summary>
internal sealed record EnrollmentFilesDiscarded(IReadOnlyList<string> Keys);

/// <summary>Deletes them once the expiry committed; a redelivery deletes nothing more (a missing file is no error).</summary>
internal sealed class DeleteDiscardedFiles(IFileStore files) : IIntegrationEventHandler<EnrollmentFilesDiscarded>
{
    public async Task Handle(EnrollmentFilesDiscarded discarded, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        foreach (var key in discarded.Keys)
        {
            await files.Delete(key, cancellationToken);
        }
    }
}

using VssId.BuildingBlocks.IntegrationEvents;

namespace VssId.BuildingBlocks.Files;

/// <summary>
/// Stored files a committed event no longer needs (a replaced photo, a withdrawn or expired draft's, an unconsented
/// enrolment's): a module's relay publishes it, and <see cref="DeleteDiscardedFiles"/> deletes them (issue 13 item 3).
/// </summary>
public sealed record FilesDiscarded(IReadOnlyList<string> Keys);

/// <summary>
/// Deletes discarded files once the event that discarded them committed: a crash before the delete delivers the event
/// again, and deleting a missing file is no error. Registered once by the Host for every module.
/// </summary>
public sealed class DeleteDiscardedFiles(IFileStore files) : IIntegrationEventHandler<FilesDiscarded>
{
    public async Task Handle(FilesDiscarded discarded, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        foreach (var key in discarded.Keys)
        {
            await files.Delete(key, cancellationToken);
        }
    }
}

using VssId.BuildingBlocks.Files;
using VssId.BuildingBlocks.IntegrationEvents;

namespace VssId.Modules.Registration.Integration;

/// <summary>Photos an application no longer needs (replaced before any submission, or of a withdrawn or expired draft).</summary>
internal sealed record FilesDiscarded(Guid ApplicationId, IReadOnlyList<string> Keys);

/// <summary>
/// Deletes discarded photos after the event that discarded them committed: a crash before the delete
/// delivers the event again, and deleting a missing file is no error (issue 13 item 3).
/// </summary>
internal sealed class DeleteDiscardedFiles(IFileStore files) : IIntegrationEventHandler<FilesDiscarded>
{
    public async Task Handle(FilesDiscarded discarded, IntegrationEventContext context, CancellationToken cancellationToken)
    {
        foreach (var key in discarded.Keys)
        {
            await files.Delete(key, cancellationToken);
        }
    }
}

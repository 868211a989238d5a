using Hangfire;
using Marten;
using Microsoft.Extensions.Logging;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Integration;

/// <summary>
/// Drafts (and applications waiting for information) expire after 30 days without activity, freeing
/// the phone's draft slot and, for one that was submitted, the mã số BHXH. Recurring and idempotent:
/// an application already expired is not touched again.
/// </summary>
public sealed class ExpireDraftsJob(IDocumentSession session, Npgsql.NpgsqlDataSource database, TimeProvider time, ILogger<ExpireDraftsJob> logger)
{
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(30);

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Expire inactive registration drafts")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - Inactivity;
        var expired = 0;
        foreach (var id in await ApplicationIndex.InactiveSince(database, cutoff, 1000, cancellationToken))
        {
            // Decided on the stream itself: an edit since the index was read keeps the application, and
            // Marten refuses the append if another write lands in between.
            var stream = await session.Events.FetchForWriting<Application>(id, cancellationToken);
            if (stream.Aggregate is { IsEditable: true } application && application.LastActivityAt < cutoff)
            {
                stream.AppendOne(new ApplicationExpired(now));
                expired++;
            }
        }
        await session.SaveChangesAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} inactive applications", expired);
        }
    }
}

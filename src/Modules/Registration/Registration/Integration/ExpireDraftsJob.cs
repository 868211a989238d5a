using Hangfire;
using Marten;
using Microsoft.Extensions.Logging;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Integration;

/// <summary>
/// Drafts (and applications waiting for information) expire after 30 days without activity, freeing
/// the phone's draft slot and, for one that was submitted, the mã số BHXH. Recurring and idempotent:
/// an application already expired is not touched again.
/// </summary>
public sealed class ExpireDraftsJob(IDocumentSession session, TimeProvider time, ILogger<ExpireDraftsJob> logger)
{
    public static readonly TimeSpan Inactivity = TimeSpan.FromDays(30);

    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Expire inactive registration drafts")]
    public async Task Run(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - Inactivity;
        var stale = await session.Query<Application>()
            .Where(a => (a.Status == ApplicationStatus.Draft || a.Status == ApplicationStatus.NeedsInformation) && a.LastActivityAt < cutoff)
            .Take(1000)
            .ToListAsync(cancellationToken);
        foreach (var application in stale)
        {
            session.Events.Append(application.Id, application.StreamVersion + 1, new ApplicationExpired(now));
            if (application.Status == ApplicationStatus.NeedsInformation)
            {
                session.Delete<OpenSubmission>(application.BhxhCode);
            }
        }
        await session.SaveChangesAsync(cancellationToken);
        if (stale.Count > 0)
        {
            logger.LogInformation("Expired {Count} inactive applications", stale.Count);
        }
    }
}

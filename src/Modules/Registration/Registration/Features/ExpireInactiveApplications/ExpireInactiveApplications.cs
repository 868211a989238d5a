using Hangfire;
using Marten;
using Mediator;
using Microsoft.Extensions.Logging;
using VssId.Modules.Registration.Domain;
using VssId.Modules.Registration.ReadModels;

namespace VssId.Modules.Registration.Features.ExpireInactiveApplications;

/// <summary>Expires a batch of applications inactive for <see cref="Application.Inactivity"/>; answers how many expired.</summary>
public sealed record ExpireInactiveApplications(int BatchSize = 1000) : ICommand<int>;

/// <summary>
/// Drafts (and applications waiting for information) expire after 30 days without activity, freeing
/// the phone's draft slot and, for one that was submitted, the mã số BHXH; a draft that never verified
/// its phone expires 24 hours after its start. Idempotent: the aggregate
/// decides on its own stream, so an application edited since the index was read, or already expired,
/// is left alone, and Marten refuses the append if another write lands in between.
/// </summary>
public sealed class ExpireInactiveApplicationsHandler(IDocumentSession session, Npgsql.NpgsqlDataSource database, TimeProvider time,
    ILogger<ExpireInactiveApplicationsHandler> logger) : ICommandHandler<ExpireInactiveApplications, int>
{
    public async ValueTask<int> Handle(ExpireInactiveApplications command, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var expired = 0;
        foreach (var id in await ApplicationIndex.ExpiryCandidates(database, now - Application.Inactivity, now - Application.UnverifiedLifetime,
                     command.BatchSize, cancellationToken))
        {
            var stream = await session.Events.FetchForWriting<Application>(id, cancellationToken);
            if (stream.Aggregate?.Expire(now) is { } decision)
            {
                stream.AppendOne(decision);
                expired++;
            }
        }
        await session.SaveChangesAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("Expired {Count} inactive applications", expired);
        }
        return expired;
    }
}

/// <summary>The hourly Hangfire job: it only sends the command, so the decision has one home.</summary>
public sealed class ExpireInactiveApplicationsJob(ISender sender)
{
    [AutomaticRetry(Attempts = 3)]
    [JobDisplayName("Expire inactive registration drafts")]
    public async Task Run(CancellationToken cancellationToken)
    {
        // Batch after batch until one comes back short: a backlog (after downtime, or a flood of unverified
        // drafts) is cleared in one run instead of 1,000 an hour. The bound stops a batch that keeps
        // finding candidates it may not expire from looping for ever.
        const int batch = 1000;
        for (var round = 0; round < 1000 && await sender.Send(new ExpireInactiveApplications(batch), cancellationToken) == batch; round++)
        {
        }
    }
}

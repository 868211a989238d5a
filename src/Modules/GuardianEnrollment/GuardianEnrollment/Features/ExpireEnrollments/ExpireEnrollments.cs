using Marten;
using Npgsql;
using VssId.Modules.GuardianEnrollment.Consent;
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.ReadModels;

namespace VssId.Modules.GuardianEnrollment.Features.ExpireEnrollments;

/// <summary>
/// Hourly: a school's enrolment nobody consented to within 30 days lapses (its code answers "expired"; the school may
/// send the child again), and so does a guardian's draft or an enrolment waiting for information after 30 days without
/// activity (its photos no submission carried are deleted; the child may be enrolled again); each kind in batches until
/// none is left. Wrong consent codes older than a day are forgotten. Each enrolment is its own append with Marten's
/// version check, so a consent, a photo or a submission at the same moment wins or loses cleanly, and a second run finds
/// nothing to do.
/// </summary>
/// <remarks>Its recurring id, <c>enrollment.expire-school-enrollments</c>, predates the guardians' drafts: kept, so no stale schedule is left behind.</remarks>
public sealed class ExpireEnrollmentsJob(IDocumentStore store, NpgsqlDataSource database, ConsentCodes codes, TimeProvider time)
{
    private const int Batch = 200;

    public async Task<int> Run(CancellationToken cancellationToken)
    {
        var expired = await ExpireAll(now => EnrollmentIndex.WaitingSince(database, now - Enrollment.ConsentWindow, Batch, cancellationToken), cancellationToken)
            + await ExpireAll(now => EnrollmentIndex.InactiveSince(database, now - Enrollment.Inactivity, Batch, cancellationToken), cancellationToken);
        await codes.Forget(cancellationToken);
        return expired;
    }

    private async Task<int> ExpireAll(Func<DateTimeOffset, Task<IReadOnlyList<Guid>>> candidates, CancellationToken cancellationToken)
    {
        var expired = 0;
        while (true)
        {
            var now = time.GetUtcNow();
            var ids = await candidates(now);
            var changed = 0;
            foreach (var id in ids)
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<Enrollment>(id, cancellationToken);
                if (stream.Aggregate?.Expire(now) is not { } lapse)
                {
                    continue;
                }
                stream.AppendOne(lapse);
                try
                {
                    await session.SaveChangesAsync(cancellationToken);
                    changed++;
                }
                catch (JasperFx.ConcurrencyException)
                {
                    // Consented, edited or submitted (or expired by another run) in between: nothing to do here.
                }
            }
            expired += changed;
            if (ids.Count < Batch || changed == 0)
            {
                return expired;
            }
        }
    }
}

using System.Security.Claims;
using JasperFx.Events;
using Marten;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using VssId.Modules.GuardianEnrollment.Domain;

namespace VssId.Modules.GuardianEnrollment.Features;

/// <summary>
/// A guardian reaches only their own enrolments: any other id — another guardian's, a withdrawn draft or none —
/// is 404, so nobody learns whether an enrolment exists.
/// </summary>
internal static class EnrollmentAccess
{
    public static Guid Guardian(ClaimsPrincipal user) =>
        Guid.TryParse(user.Subject(), out var id) ? id : throw new ProblemException(CommonProblems.NotFound);

    public static async Task<Enrollment> Load(IQuerySession session, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken) =>
        Owned(id == Guid.Empty ? null : await session.Events.AggregateStreamAsync<Enrollment>(id, token: cancellationToken), user);

    /// <summary>The enrolment's stream for a decision by its guardian: Marten checks on save that nothing else was written in between.</summary>
    public static async Task<IEventStream<Enrollment>> LoadForWriting(IDocumentSession session, Guid id, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (id == Guid.Empty)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var stream = await session.Events.FetchForWriting<Enrollment>(id, cancellationToken);
        Owned(stream.Aggregate, user);
        return stream;
    }

    // A school's row may name a guardian who had no account then: their mã số BHXH (the user name) is the link.
    private static Enrollment Owned(Enrollment? enrollment, ClaimsPrincipal user) =>
        enrollment is not null && enrollment.Status != EnrollmentStatus.Withdrawn && (enrollment.Guardian.AccountId == Guardian(user)
            || (enrollment.Guardian.AccountId == Guid.Empty && enrollment.Guardian.BhxhCode == user.FindFirst(VssIdClaims.UserName)?.Value))
            ? enrollment
            : throw new ProblemException(CommonProblems.NotFound);
}

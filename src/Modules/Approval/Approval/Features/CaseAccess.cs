using System.Security.Claims;
using Marten;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Security;
using VssId.Modules.Approval.Domain;

namespace VssId.Modules.Approval.Features;

/// <summary>
/// A case is visible only to the officers of its office: anyone else gets 404, so a case's existence is not
/// revealed (office codes are public, cases are not).
/// </summary>
internal static class CaseAccess
{
    public static string Officer(ClaimsPrincipal user) => user.FindFirst(VssIdClaims.UserName)?.Value ?? user.Subject();

    public static async Task<JasperFx.Events.IEventStream<ReviewCase>> LoadForWriting(IDocumentSession session, Guid id, ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        // Marten refuses an empty stream id outright (an exception, not an empty stream): no case has it.
        if (id == Guid.Empty)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        var stream = await session.Events.FetchForWriting<ReviewCase>(id, cancellationToken);
        if (stream.Aggregate is not { } @case || @case.OfficeCode != user.Office())
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        return stream;
    }
}

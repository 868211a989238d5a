using System.Security.Claims;
using JasperFx;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.Approval.Features.ClaimCase;

public sealed record ClaimCase(Guid Id, ClaimsPrincipal User) : ICommand;

public sealed record ReleaseCase(Guid Id, ClaimsPrincipal User) : ICommand;

/// <summary>
/// One officer at a time works a case, for 30 minutes (claiming again renews). Two officers claiming at
/// the same moment: the stream's version decides, one gets 204, the other 409 naming nobody.
/// </summary>
public sealed class ClaimHandlers(IDocumentSession session, TimeProvider time) : ICommandHandler<ClaimCase>, ICommandHandler<ReleaseCase>
{
    public async ValueTask<Mediator.Unit> Handle(ClaimCase command, CancellationToken cancellationToken)
    {
        var stream = await CaseAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        stream.AppendMany(stream.Aggregate!.Claim(CaseAccess.Officer(command.User), time.GetUtcNow()));
        await Save(cancellationToken);
        return Mediator.Unit.Value;
    }

    public async ValueTask<Mediator.Unit> Handle(ReleaseCase command, CancellationToken cancellationToken)
    {
        var stream = await CaseAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        stream.AppendOne(stream.Aggregate!.Release(CaseAccess.Officer(command.User), time.GetUtcNow()));
        await Save(cancellationToken);
        return Mediator.Unit.Value;
    }

    private async Task Save(CancellationToken cancellationToken)
    {
        try
        {
            await session.SaveChangesAsync(cancellationToken);
        }
        catch (ConcurrencyException)
        {
            throw new ProblemException(ApprovalProblems.ClaimedByAnother);
        }
    }
}

internal sealed class ClaimCaseEndpoints : IEndpoint
{
    public void Map(IEndpointRouteBuilder group)
    {
        group.MapPost("/cases/{id:guid}/claim", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ClaimCase(id, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("ClaimCase")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Nhận xử lý hồ sơ · Claim a case")
            .WithDescription("Giữ hồ sơ 30 phút (nhận lại để gia hạn). Lần nhận đầu chuyển hồ sơ sang UnderReview. Cán bộ khác đang giữ: 409.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, ApprovalProblems.ClaimedByAnother, ApprovalProblems.CaseDecided);

        group.MapPost("/cases/{id:guid}/release", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new ReleaseCase(id, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("ReleaseCase")
            .RequireAccess(AccessPolicies.Officer)
            .WithSummary("Trả hồ sơ về hàng đợi · Release a case")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, ApprovalProblems.NotClaimedByYou, ApprovalProblems.ClaimedByAnother);
    }
}

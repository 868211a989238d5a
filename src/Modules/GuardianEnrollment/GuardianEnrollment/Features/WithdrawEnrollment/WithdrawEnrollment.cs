using System.Security.Claims;
using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.BuildingBlocks.Security;

namespace VssId.Modules.GuardianEnrollment.Features.WithdrawEnrollment;

public sealed record WithdrawEnrollment(Guid Id, ClaimsPrincipal User) : ICommand;

/// <summary>
/// The guardian withdraws a draft, as an adult withdraws theirs (<c>api.md</c> names no route for it; without one a
/// child started under a mistyped code, and the birth certificate with it, stayed for 30 days and took one of the
/// guardian's slots). Afterwards the enrolment is as if it had never been: 404, not listed, nobody's child; its photos
/// are deleted by the reaction to the event.
/// </summary>
internal sealed class WithdrawEnrollmentHandler(IDocumentSession session, TimeProvider time) : ICommandHandler<WithdrawEnrollment>
{
    public async ValueTask<Mediator.Unit> Handle(WithdrawEnrollment command, CancellationToken cancellationToken)
    {
        var stream = await EnrollmentAccess.LoadForWriting(session, command.Id, command.User, cancellationToken);
        stream.AppendOne(stream.Aggregate!.Withdraw(time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class WithdrawEnrollmentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapDelete("v1/me/children/{id:guid}", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
            {
                await sender.Send(new WithdrawEnrollment(id, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("WithdrawEnrollment")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Rút hồ sơ nháp của trẻ · Withdraw a child's draft enrolment")
            .WithDescription("Chỉ hồ sơ nháp (`Draft`) do chính người giám hộ khai. Sau khi rút, hồ sơ không còn xem được (404), không còn trong danh sách, "
                + "không tính vào số trẻ; ảnh đã tải bị xoá và có thể khai báo lại trẻ. Hồ sơ đã ghi nhận do cơ quan BHXH xử lý; hồ sơ do nhà trường khai "
                + "thì chỉ cần không xác nhận. · Only a draft; afterwards it is gone for everyone and its photos are deleted.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.NotEditable, CommonProblems.Conflict);
}

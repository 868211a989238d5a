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
using VssId.Modules.GuardianEnrollment.Domain;
using VssId.Modules.GuardianEnrollment.Features;

namespace VssId.Modules.GuardianEnrollment.Features.RecordFormReceived;

public sealed record RecordFormReceived(string SchoolCode, Guid Id, ClaimsPrincipal User) : ICommand;

/// <summary>
/// The homeroom teacher holds the signed Mẫu 01. Any enrolment of the school's that has a form — its own roster's,
/// or a guardian's own enrolment of a pupil is not the school's and is 404 like any other id. Recording twice is one record.
/// </summary>
internal sealed class RecordFormReceivedHandler(IDocumentSession session, TimeProvider time) : ICommandHandler<RecordFormReceived>
{
    public async ValueTask<Unit> Handle(RecordFormReceived command, CancellationToken cancellationToken)
    {
        var school = SchoolRules.School(command.User, command.SchoolCode);
        var stream = command.Id == Guid.Empty ? null : await session.Events.FetchForWriting<Enrollment>(command.Id, cancellationToken);
        if (stream?.Aggregate is not { School.SchoolCode: var owner } enrollment || owner != school)
        {
            throw new ProblemException(CommonProblems.NotFound);
        }
        if (enrollment.ReceiveForm(command.User.Subject(), time.GetUtcNow()) is { } received)
        {
            stream.AppendOne(received);
            await session.SaveChangesAsync(cancellationToken);
        }
        return Unit.Value;
    }
}

internal sealed class RecordFormReceivedEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPost("v1/schools/{schoolCode}/enrollments/{id:guid}/form-received", async (string schoolCode, Guid id, ClaimsPrincipal user, ISender sender,
                CancellationToken ct) =>
            {
                await sender.Send(new RecordFormReceived(schoolCode, id, user), ct);
                return TypedResults.NoContent();
            })
            .WithName("RecordFormReceived")
            .WithTags(SchoolRules.Tag)
            .RequireAccess(AccessPolicies.SchoolClient)
            .WithSummary("Ghi nhận đã nhận tờ khai đã ký · Record the signed form as received")
            .WithDescription("Giáo viên chủ nhiệm đã nhận Mẫu 01 có chữ ký. Ghi lại hai lần vẫn là một lần (204). "
                + "409 `enrollment.not_submitted` khi hồ sơ chưa được ghi nhận (chưa có tờ khai). Hồ sơ của trường khác: 404.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, GuardianEnrollmentProblems.NotSubmitted, CommonProblems.Conflict);
}

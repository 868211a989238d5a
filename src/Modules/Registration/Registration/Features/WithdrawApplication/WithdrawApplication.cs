using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features.WithdrawApplication;

public sealed record WithdrawApplication(Guid Id, string? Token) : ICommand;

/// <summary>Withdraws a draft; its token stops working and the phone's draft slot is freed.</summary>
public sealed class WithdrawApplicationHandler(IDocumentSession session, TimeProvider time) : ICommandHandler<WithdrawApplication>
{
    public async ValueTask<Mediator.Unit> Handle(WithdrawApplication command, CancellationToken cancellationToken)
    {
        var stream = await ApplicationAccess.LoadForWriting(session, command.Id, command.Token, null, time, cancellationToken);
        stream.AppendOne(stream.Aggregate!.Withdraw(time.GetUtcNow()));
        await session.SaveChangesAsync(cancellationToken);
        return Mediator.Unit.Value;
    }
}

internal sealed class WithdrawApplicationEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapDelete("/registrations/{id:guid}", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                await sender.Send(new WithdrawApplication(id, ApplicationAccess.Bearer(http.Request)), ct);
                return TypedResults.NoContent();
            })
            .WithName("WithdrawApplication")
            .WithBearerToken()
            .WithSummary("Rút hồ sơ nháp · Withdraw a draft")
            .WithDescription("Chỉ hồ sơ nháp. Sau khi rút, `accessToken` không còn dùng được.")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblems(CommonProblems.NotFound, RegistrationProblems.NotEditable, CommonProblems.Conflict);
}

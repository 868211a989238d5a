using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Contracts;
using VssId.Modules.Registration.Domain;

namespace VssId.Modules.Registration.Features.ReplaceDeclaration;

public sealed record ReplaceDeclaration(Guid Id, string? Token, long? IfMatch, DeclarationRequest Request) : ICommand<ApplicationResponse>;

/// <summary>"Quay lại": the whole declaration is replaced while the application is a draft (or needs information). A new phone must be verified again.</summary>
public sealed class ReplaceDeclarationHandler(IDocumentSession session, IAddressCatalog catalog, TimeProvider time)
    : ICommandHandler<ReplaceDeclaration, ApplicationResponse>
{
    public async ValueTask<ApplicationResponse> Handle(ReplaceDeclaration command, CancellationToken cancellationToken)
    {
        var stream = await ApplicationAccess.LoadForWriting(session, command.Id, command.Token, command.IfMatch, time, cancellationToken);
        var now = time.GetUtcNow();
        var declaration = DeclarationInput.Normalise(command.Request, catalog, now);
        var replaced = stream.Aggregate!.ReplaceDeclaration(declaration, now);
        stream.AppendOne(replaced);
        await session.SaveChangesAsync(cancellationToken);
        return ApplicationResponse.From(stream.Aggregate.Apply(replaced));
    }
}

internal sealed class ReplaceDeclarationEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapPut("/registrations/{id:guid}", async (Guid id, DeclarationRequest request, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                var updated = await sender.Send(new ReplaceDeclaration(id, ApplicationAccess.Bearer(http.Request), ApplicationAccess.IfMatch(http.Request), request), ct);
                http.Response.Headers.ETag = ApplicationAccess.ETag(updated.Version);
                return TypedResults.Ok(updated);
            })
            .WithName("ReplaceDeclaration")
            .WithBearerToken()
            .WithSummary("Sửa tờ khai (thay toàn bộ) · Replace the declaration")
            .WithDescription("Chỉ khi hồ sơ ở trạng thái Draft hoặc NeedsInformation. Không đổi được mã số BHXH (409). Đổi số điện thoại thì phải xác thực lại. `If-Match` cũ → 412.")
            .Accepts<DeclarationRequest>("application/json")
            .Produces<ApplicationResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.Validation, CommonProblems.NotFound, RegistrationProblems.NotEditable, RegistrationProblems.BhxhCodeImmutable,
                CommonProblems.Conflict, RegistrationProblems.PreconditionFailed)
            .WithRequestExample(RegistrationExamples.Declaration)
            .WithResponseExample(StatusCodes.Status200OK, ApplicationResponse.Example);
}

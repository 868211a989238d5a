using Marten;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.Modules.Registration.Features.GetApplication;

public sealed record GetApplication(Guid Id, string? Token) : IQuery<ApplicationResponse>;

public sealed class GetApplicationHandler(IQuerySession session, TimeProvider time) : IQueryHandler<GetApplication, ApplicationResponse>
{
    public async ValueTask<ApplicationResponse> Handle(GetApplication query, CancellationToken cancellationToken) =>
        ApplicationResponse.From(await ApplicationAccess.Load(session, query.Id, query.Token, time, cancellationToken));
}

internal sealed class GetApplicationEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/registrations/{id:guid}", async (Guid id, ISender sender, HttpContext http, CancellationToken ct) =>
            {
                var application = await sender.Send(new GetApplication(id, ApplicationAccess.Bearer(http.Request)), ct);
                http.Response.Headers.ETag = ApplicationAccess.ETag(application.Version);
                return TypedResults.Ok(application);
            })
            .WithName("GetApplication")
            .WithBearerToken()
            .WithSummary("Xem hồ sơ · Get an application")
            .WithDescription("Cần `Authorization: Bearer {accessToken}` của chính hồ sơ này. `ETag` dùng cho `If-Match` khi sửa. "
                + "Sau khi dữ liệu cá nhân của người này bị xoá (`POST /api/v1/admin/people/{bhxhCode}/erasure`), họ tên, số giấy tờ, địa chỉ, số điện thoại là chuỗi rỗng, email `null`, ngày sinh `0001-01-01`. "
                + "After the person's data was erased, name, document number, street, phone read \"\", email null, birth date 0001-01-01.")
            .Produces<ApplicationResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, ApplicationResponse.Example);
}

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

namespace VssId.Modules.GuardianEnrollment.Features.GetEnrollment;

public sealed record GetEnrollment(Guid Id, ClaimsPrincipal User) : IQuery<EnrollmentResponse>;

/// <summary>One of the guardian's enrolments, rebuilt from its events; another guardian's is 404.</summary>
internal sealed class GetEnrollmentHandler(IQuerySession session) : IQueryHandler<GetEnrollment, EnrollmentResponse>
{
    public async ValueTask<EnrollmentResponse> Handle(GetEnrollment query, CancellationToken cancellationToken) =>
        EnrollmentResponse.From(await EnrollmentAccess.Load(session, query.Id, query.User, cancellationToken));
}

internal sealed class GetEnrollmentEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("v1/me/children/{id:guid}", async (Guid id, ClaimsPrincipal user, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetEnrollment(id, user), ct)))
            .WithName("GetEnrollment")
            .RequireAccess(AccessPolicies.Citizen)
            .WithSummary("Xem hồ sơ của trẻ · Get a child's enrolment")
            .WithDescription("Trạng thái, số hồ sơ và lý do khi bị từ chối hoặc cần bổ sung (`rejection`). Chỉ người giám hộ đã đăng ký mới xem được (404 với người khác). "
                + "Khi dữ liệu cá nhân của trẻ đã bị xoá: họ tên là chuỗi rỗng, ngày sinh `0001-01-01` · once the child's data was erased: name \"\", birth date 0001-01-01.")
            .Produces<EnrollmentResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.NotFound)
            .WithResponseExample(StatusCodes.Status200OK, EnrollmentResponse.Example);
}

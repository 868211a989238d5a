using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;
using VssId.Modules.Reference.Catalogs;

namespace VssId.Modules.Reference.Features.GetRejectionReasons;

/// <summary>A reason in the caller's language; <c>allowsResubmission</c> marks the needs-information kind.</summary>
public sealed record RejectionReasonResponse(string Code, string Text, bool AllowsResubmission);

public sealed record GetRejectionReasons(string Language) : IQuery<IReadOnlyList<RejectionReasonResponse>>;

public sealed class GetRejectionReasonsHandler : IQueryHandler<GetRejectionReasons, IReadOnlyList<RejectionReasonResponse>>
{
    public ValueTask<IReadOnlyList<RejectionReasonResponse>> Handle(GetRejectionReasons query, CancellationToken cancellationToken)
    {
        IReadOnlyList<RejectionReasonResponse> reasons = RejectionReasons.All
            .Select(r => new RejectionReasonResponse(r.Code, query.Language == Language.English ? r.En : r.Vi, r.AllowsResubmission))
            .ToArray();
        return ValueTask.FromResult(reasons);
    }
}

internal sealed class GetRejectionReasonsEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/reference/rejection-reasons", async (HttpRequest request, ISender sender, CancellationToken ct) =>
                TypedResults.Ok(await sender.Send(new GetRejectionReasons(Language.FromAcceptLanguage(request.Headers.AcceptLanguage)), ct)))
            .WithName("GetRejectionReasons")
            .WithSummary("Danh mục lý do từ chối/yêu cầu bổ sung · Rejection and needs-information reasons")
            .WithDescription("Văn bản theo `Accept-Language` (mặc định tiếng Việt, `en` cho tiếng Anh).")
            .Produces<RejectionReasonResponse[]>(StatusCodes.Status200OK)
            .WithResponseExample(StatusCodes.Status200OK, new[]
            {
                new RejectionReasonResponse("identity.document_unreadable", "Ảnh CCCD/CMND/hộ chiếu bị mờ, lóa hoặc không đọc được.", true),
                new RejectionReasonResponse("bhxh_code.not_found", "Mã số BHXH không tồn tại trong cơ sở dữ liệu.", false),
            });
}

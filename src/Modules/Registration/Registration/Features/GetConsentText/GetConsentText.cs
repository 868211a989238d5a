using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VssId.BuildingBlocks.Errors;
using VssId.BuildingBlocks.Modules;
using VssId.BuildingBlocks.OpenApi;

namespace VssId.Modules.Registration.Features.GetConsentText;

/// <summary>A version of the consent text, in Vietnamese and English.</summary>
public sealed record ConsentTextResponse(string Version, string Vi, string En);

/// <summary>What an app shows before the applicant starts a draft; a constant, so no handler or database behind it.</summary>
internal sealed class GetConsentTextEndpoint : IEndpoint
{
    public void Map(IEndpointRouteBuilder group) =>
        group.MapGet("/consent-text", (string? version) =>
                ConsentText.Versions.TryGetValue(version is { Length: > 0 } v ? v : ConsentText.Current, out var text)
                    ? Results.Ok(new ConsentTextResponse(version is { Length: > 0 } ? version : ConsentText.Current, text.Vi, text.En))
                    : throw new ProblemException(CommonProblems.NotFound))
            .WithName("GetConsentText")
            .WithSummary("Văn bản đồng ý xử lý dữ liệu cá nhân · The consent text")
            .WithDescription("Ứng dụng hiển thị văn bản này trước khi người dân bắt đầu hồ sơ, rồi gửi `consent: {textVersion, channel}` kèm "
                + "`POST /api/v1/registrations`; hồ sơ ghi lại phiên bản, kênh và thời điểm. Không có `version`: phiên bản hiện hành.")
            .WithParameter("version", "Phiên bản · Version", ConsentText.Current)
            .Produces<ConsentTextResponse>(StatusCodes.Status200OK)
            .ProducesProblems(CommonProblems.NotFound);
}
